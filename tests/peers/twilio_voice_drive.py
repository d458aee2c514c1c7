"""Drives a whole phone call through Gather's Twilio Voice webhooks with
requests signed by the official `twilio` package (RequestValidator), reading
each TwiML reply with an XML parser and following its action URLs, as Twilio
would. Pick Polish, raise an issue by recording, confirm, then (second call)
vote by keypad and (third call) hear an update. Exits non-zero on a surprise.

usage: twilio_voice_drive.py BASE_URL AUTH_TOKEN STAGE
  STAGE 1: first call (language, recording, confirm)
  STAGE 2: second call (vote), STAGE 3: third call (updates)
"""
import sys
import urllib.error
import urllib.parse
import urllib.request
import xml.etree.ElementTree as ET

from twilio.request_validator import RequestValidator
from twilio.twiml.voice_response import VoiceResponse, Gather

base, token, stage = sys.argv[1], sys.argv[2], sys.argv[3]
validator = RequestValidator(token)
FROM = "+447700900777"
SID = "CA" + stage * 32

# Verbs and attributes the official package itself emits for what Gather uses.
known = VoiceResponse()
g = Gather(input="dtmf", num_digits=1, finish_on_key="#", timeout=5, action="/a",
           method="POST", action_on_empty_result=True)
g.say("x", language="pl-PL", voice="Polly.Ewa")
g.play("https://x/a.wav")
known.append(g)
known.record(action="/r", method="POST", max_length=120, finish_on_key="#", timeout=5,
             play_beep=True)
known.redirect("/a", method="POST")
known.pause(length=1)
known.hangup()
ALLOWED = {}
for el in ET.fromstring(str(known)).iter():
    ALLOWED.setdefault(el.tag, set()).update(el.attrib)


def post(url, extra=None, sign=True):
    params = {"CallSid": SID, "AccountSid": "AC" + "0" * 32, "From": FROM,
              "To": "+447700900000", "CallStatus": "in-progress"}
    params.update(extra or {})
    sig = validator.compute_signature(url, params)
    assert validator.validate(url, params, sig)
    data = urllib.parse.urlencode(params).encode()
    req = urllib.request.Request(url, data=data, headers={"X-Twilio-Signature": sig} if sign else {})
    try:
        with urllib.request.urlopen(req) as r:
            return r.status, r.read().decode()
    except urllib.error.HTTPError as e:
        return e.code, e.read().decode()


def twiml(body):
    root = ET.fromstring(body)
    assert root.tag == "Response", body
    for el in root.iter():
        assert el.tag in ALLOWED, f"unknown verb {el.tag}"
        for a in el.attrib:
            assert a in ALLOWED[el.tag], f"{el.tag} has unknown attribute {a}"
    return root


def step(url, extra=None):
    status, body = post(url, extra)
    assert status == 200, (status, body)
    root = twiml(body)
    said = " ".join((s.text or "") for s in root.iter("Say"))
    wait = root.find("Gather")
    rec = root.find("Record")
    action = (wait if wait is not None else rec).get("action") if (wait is not None or rec is not None) else None
    return root, said, action, body


answer = base + "/webhooks/twilio/voice"
if stage == "1":
    root, said, action, _ = step(answer)
    langs = [s.get("language") for s in root.iter("Say")]
    assert "pl-PL" in langs and "en-GB" in langs, langs
    assert root.find("Gather").get("finishOnKey") == "#"
    # A tampered request is refused.
    status, _ = post(action, {"Digits": "2"}, sign=False)
    assert status == 403, status
    root, said, action, body = step(action, {"Digits": "2#"})
    assert "Co chcesz zrobić?" in said, said
    # A retried callback gets the same TwiML.
    _, _, _, again = step(answer.replace("/voice", "/voice/gather") + "?seq=1&silent=0&mode=digits", {"Digits": "2#"})
    assert again == body
    root, said, action, _ = step(action, {"Digits": "1"})
    assert root.find("Record") is not None
    root, said, action, _ = step(action, {"RecordingUrl": "https://api.twilio.com/Recordings/RE" + "1" * 32,
                                          "RecordingDuration": "14"})
    root, said, action, _ = step(action, {"Digits": "0"})        # skip involvement
    root, said, action, _ = step(action, {"Digits": "1"})        # confirm
    assert "G-1001" in said, said
    root, said, action, _ = step(action, {"Digits": "2"})        # do not follow
    status, _ = post(base + "/webhooks/twilio/voice/status", {"CallStatus": "completed"})
    assert status == 204, status
elif stage == "2":
    root, said, action, _ = step(answer)
    assert "Co chcesz zrobić?" in said, said                     # known caller: Polish
    root, said, action, _ = step(action, {"Digits": "2"})        # vote
    root, said, action, _ = step(action, {"Digits": "1"})        # item 1
    root, said, action, _ = step(action, {"Digits": "1"})        # confirm
    root, said, action, _ = step(action, {"Digits": "*"})        # repeat the menu
    assert "Co chcesz zrobić?" in said, said
    status, _ = post(base + "/webhooks/twilio/voice/status", {"CallStatus": "completed"})
    assert status == 204
else:
    root, said, action, _ = step(answer)
    root, said, action, _ = step(action, {"Digits": "3"})        # updates
    assert "Naprawimy to" in said, said
    status, _ = post(base + "/webhooks/twilio/voice/status", {"CallStatus": "no-answer"})
    assert status == 204
print("ok")

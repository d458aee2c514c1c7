"""Drives Gather's Twilio SMS webhook with requests signed by the official
`twilio` package (RequestValidator) and reads the TwiML replies with an XML
parser, as Twilio would. Exits non-zero on the first surprise.

usage: twilio_drive.py BASE_URL AUTH_TOKEN
"""
import json
import sys
import urllib.error
import urllib.parse
import urllib.request
import xml.etree.ElementTree as ET

from twilio.request_validator import RequestValidator
from twilio.twiml.messaging_response import MessagingResponse

base, token = sys.argv[1], sys.argv[2]
validator = RequestValidator(token)
url = base + "/webhooks/twilio/sms"
FROM = "+447700900555"


def post(sid, body, sign=True, tamper=False):
    params = {
        "MessageSid": sid,
        "AccountSid": "AC00000000000000000000000000000000",
        "From": FROM,
        "To": "+447700900000",
        "Body": body,
        "NumSegments": "1",
    }
    signature = validator.compute_signature(url, params)
    assert validator.validate(url, params, signature)
    if tamper:
        params["Body"] = body + " VOTE 1"
    data = urllib.parse.urlencode(params).encode()
    headers = {"X-Twilio-Signature": signature} if sign else {}
    req = urllib.request.Request(url, data=data, headers=headers)
    try:
        with urllib.request.urlopen(req) as r:
            return r.status, r.headers.get("Content-Type", ""), r.read().decode()
    except urllib.error.HTTPError as e:
        return e.code, e.headers.get("Content-Type", ""), e.read().decode()


def messages(xml):
    root = ET.fromstring(xml)
    assert root.tag == "Response", root.tag
    for child in root:
        assert child.tag == "Message", child.tag
    return [m.text or "" for m in root.findall("Message")]


def expect(cond, what):
    if not cond:
        print("FAIL: " + what, file=sys.stderr)
        sys.exit(1)


log = []
status, ctype, xml = post("SMpy1", "Hello")
expect(status == 200 and "xml" in ctype, f"hello: {status} {ctype}")
msgs = messages(xml)
expect(len(msgs) == 1 and msgs[0].startswith("Welcome to Gather"), f"welcome: {msgs}")
log.append(msgs[0])

description = 'Dzień dobry: the interpreter <never> comes & we wait "hours" 👋'
for i, text in enumerate(["1", description, "0", "0"]):
    status, _, xml = post(f"SMpy{i + 2}", text)
    expect(status == 200, f"step {i}: {status}")
    log.extend(messages(xml))
readback = messages(xml)[0]
expect(description[:40] in readback, f"read-back keeps the text exactly: {readback!r}")

# The same reply Twilio's own library would build parses to the same text.
ours = messages(xml)[0]
theirs = MessagingResponse()
theirs.message(ours)
expect(messages(str(theirs)) == [ours], "TwiML round trip with twilio's MessagingResponse")

status, _, first = post("SMpy-confirm", "YES")
expect(status == 200 and "G-1001" in first, f"confirm: {status} {first}")
status, _, again = post("SMpy-confirm", "YES")
expect(status == 200 and again == first, "a retry gets the same reply")

status, _, body = post("SMpy-tampered", "MENU", tamper=True)
expect(status == 403, f"tampered body refused: {status} {body}")
status, _, body = post("SMpy-unsigned", "MENU", sign=False)
expect(status == 403, f"unsigned refused: {status} {body}")

status, _, xml = post("SMpy-follow", "NO")
expect(status == 200, f"follow: {status}")
print(json.dumps({"ok": True, "replies": len(log)}))

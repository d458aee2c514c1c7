"""Plays Twilio's WhatsApp side for tests/whatsapp.rs: every request it sends
to Gather is signed by the official `twilio` package (RequestValidator) and
has the shape Twilio's WhatsApp webhooks have (From/To `whatsapp:+…`,
ProfileName, WaId, MessageType, NumMedia/MediaUrl0/MediaContentType0 for a
voice note, ButtonText/ButtonPayload for a tapped quick reply, ChannelPrefix
and friends on status callbacks). Replies are read with an XML parser, and
checked against twilio's own MessagingResponse.

It reads one JSON command per line on stdin and answers one JSON line on
stdout, so the Rust test can act as the organiser between messages:

  {"op": "message", "sid": "SM…", "from": "+44…", "body": "…",
   "channel": "whatsapp" | "sms", "profile": "…",
   "audio": "https://api.twilio.com/…/Media/ME…",   (optional: a voice note)
   "button": ["Yes", "YES"]}                          (optional: a tap)
  {"op": "status", "sid": "SM…", "to": "+44…", "status": "read",
   "error": "63024"}                                  (error optional)
  {"op": "tampered", …message fields…}                (signature must fail)

-> {"status": 200, "messages": ["…", …]}

usage: whatsapp_drive.py BASE_URL AUTH_TOKEN GATHER_WHATSAPP_NUMBER SMS_NUMBER
"""
import json
import sys
import urllib.error
import urllib.parse
import urllib.request
import xml.etree.ElementTree as ET

from twilio.request_validator import RequestValidator
from twilio.twiml.messaging_response import MessagingResponse

base, token, wa_number, sms_number = sys.argv[1:5]
validator = RequestValidator(token)
ACCOUNT = "AC00000000000000000000000000000000"


def post(path, params, tamper=False):
    url = base + path
    signature = validator.compute_signature(url, params)
    assert validator.validate(url, params, signature)
    if tamper:
        params = dict(params, Body=params.get("Body", "") + " VOTE 1")
    data = urllib.parse.urlencode(params).encode()
    req = urllib.request.Request(url, data=data, headers={"X-Twilio-Signature": signature})
    try:
        with urllib.request.urlopen(req) as r:
            return r.status, r.read().decode()
    except urllib.error.HTTPError as e:
        return e.code, e.read().decode()


def messages(xml):
    if not xml.strip():
        return []
    root = ET.fromstring(xml)
    assert root.tag == "Response", root.tag
    out = [m.text or "" for m in root.findall("Message")]
    # The same reply as twilio's own library would build it.
    theirs = MessagingResponse()
    for m in out:
        theirs.message(m)
    again = [m.text or "" for m in ET.fromstring(str(theirs)).findall("Message")]
    assert again == out, (again, out)
    return out


def inbound(cmd):
    number = cmd["from"]
    whatsapp = cmd.get("channel", "whatsapp") == "whatsapp"
    params = {
        "MessageSid": cmd["sid"],
        "SmsMessageSid": cmd["sid"],
        "SmsSid": cmd["sid"],
        "AccountSid": ACCOUNT,
        "Body": cmd.get("body", ""),
        "NumMedia": "0",
        "NumSegments": "1",
        "SmsStatus": "received",
        "ApiVersion": "2010-04-01",
    }
    if whatsapp:
        params.update({
            "From": "whatsapp:" + number,
            "To": "whatsapp:" + wa_number,
            "ProfileName": cmd.get("profile", "Quokka"),
            "WaId": number.lstrip("+"),
            "MessageType": "text",
            "ReferralNumMedia": "0",
            "ChannelMetadata": json.dumps({
                "type": "whatsapp",
                "data": {"context": {"ProfileName": cmd.get("profile", "Quokka"),
                                     "WaId": number.lstrip("+")}},
            }),
        })
        if cmd.get("audio"):
            params.update({
                "NumMedia": "1",
                "MediaContentType0": "audio/ogg",
                "MediaUrl0": cmd["audio"],
                "MessageType": "audio",
                "Body": "",
            })
        if cmd.get("button"):
            text, payload = cmd["button"]
            params.update({
                "MessageType": "button",
                "Body": text,
                "ButtonText": text,
                "ButtonPayload": payload,
            })
    else:
        params.update({"From": number, "To": sms_number, "FromCountry": "GB", "ToCountry": "GB"})
    status, body = post("/webhooks/twilio/sms", params, tamper=cmd.get("op") == "tampered")
    return {"status": status, "messages": messages(body) if status == 200 else [], "body": body if status != 200 else ""}


def status_callback(cmd):
    number = cmd["to"]
    status = cmd["status"]
    params = {
        "MessageSid": cmd["sid"],
        "SmsSid": cmd["sid"],
        "AccountSid": ACCOUNT,
        "MessageStatus": status,
        "SmsStatus": status,
        "ChannelToAddress": number,
        "ChannelPrefix": "whatsapp",
        "ChannelInstallSid": "XE00000000000000000000000000000000",
        "StructuredMessage": "false",
        "To": "whatsapp:" + number,
        "From": "whatsapp:" + wa_number,
        "ApiVersion": "2010-04-01",
    }
    if status == "read":
        params["EventType"] = "READ"
    elif status == "delivered":
        params["EventType"] = "DELIVERED"
    if cmd.get("error"):
        params["ErrorCode"] = cmd["error"]
        params["ErrorMessage"] = "Twilio could not deliver the message"
    code, body = post("/webhooks/twilio/status", params)
    return {"status": code, "messages": [], "body": body}


for line in sys.stdin:
    line = line.strip()
    if not line:
        continue
    cmd = json.loads(line)
    if cmd["op"] in ("message", "tampered"):
        out = inbound(cmd)
    elif cmd["op"] == "status":
        out = status_callback(cmd)
    else:
        out = {"status": 0, "messages": [], "body": "unknown op"}
    print(json.dumps(out), flush=True)

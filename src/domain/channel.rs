use super::ParseError;
use serde::{Deserialize, Serialize};
use std::fmt;

/// The medium a message travels on. It decides how a step is *rendered*, never
/// what the step is.
#[derive(Clone, Copy, PartialEq, Eq, Hash, Debug, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Channel {
    Sms,
    /// WhatsApp through Twilio: the same number as SMS (one person), its
    /// own rendering and its own 24-hour window (see `outbox::whatsapp`).
    #[serde(rename = "whatsapp")]
    WhatsApp,
    Voice,
    Discord,
    Matrix,
    /// The console simulator and tests, rendered like a chat.
    Console,
}

impl Channel {
    pub fn as_str(self) -> &'static str {
        match self {
            Channel::Sms => "sms",
            Channel::WhatsApp => "whatsapp",
            Channel::Voice => "voice",
            Channel::Discord => "discord",
            Channel::Matrix => "matrix",
            Channel::Console => "console",
        }
    }

    pub fn parse(s: &str) -> Result<Self, ParseError> {
        match s.trim().to_ascii_lowercase().as_str() {
            "sms" => Ok(Channel::Sms),
            "whatsapp" | "wa" => Ok(Channel::WhatsApp),
            "voice" | "phone" | "call" => Ok(Channel::Voice),
            "discord" => Ok(Channel::Discord),
            "matrix" => Ok(Channel::Matrix),
            "console" | "chat" => Ok(Channel::Console),
            other => Err(ParseError::Channel(other.chars().take(20).collect())),
        }
    }

    /// The kind of identity a person uses on this channel. SMS, WhatsApp and
    /// voice share the phone number, so a caller who texted before, or who
    /// writes on WhatsApp from the same number, is the same person (one vote).
    pub fn identity_kind(self) -> IdentityKind {
        match self {
            Channel::Sms | Channel::WhatsApp | Channel::Voice | Channel::Console => {
                IdentityKind::Phone
            }
            Channel::Discord => IdentityKind::Discord,
            Channel::Matrix => IdentityKind::Matrix,
        }
    }
}

impl fmt::Display for Channel {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

#[derive(Clone, Copy, PartialEq, Eq, Hash, Debug, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum IdentityKind {
    Phone,
    Discord,
    Matrix,
}

impl IdentityKind {
    pub fn as_str(self) -> &'static str {
        match self {
            IdentityKind::Phone => "phone",
            IdentityKind::Discord => "discord",
            IdentityKind::Matrix => "matrix",
        }
    }

    pub fn parse(s: &str) -> Option<Self> {
        match s {
            "phone" => Some(IdentityKind::Phone),
            "discord" => Some(IdentityKind::Discord),
            "matrix" => Some(IdentityKind::Matrix),
            _ => None,
        }
    }
}

/// How Gather knows a person on one channel: a phone number, a Discord user id
/// or a Matrix user id. Several identities can belong to one person.
#[derive(Clone, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub struct Identity {
    pub kind: IdentityKind,
    pub address: String,
}

impl Identity {
    pub fn phone(p: &super::PhoneNumber) -> Self {
        Identity {
            kind: IdentityKind::Phone,
            address: p.as_str().to_string(),
        }
    }
}

impl fmt::Debug for Identity {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(
            f,
            "{}:{}",
            self.kind.as_str(),
            super::phone::mask(&self.address)
        )
    }
}

//! Channels: each turns a provider's payload into an inbound message and
//! renders the engine's events for its medium.

pub mod render;
pub mod segments;
pub mod twilio;
pub mod twilio_rest;

"""The moderation service: Complaints, warnings, sanctions and "Reliable seller" verification."""

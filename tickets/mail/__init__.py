"""The helpdesk's email channel: tickets from email (IMAP polling or piped), replies by email."""

"""Messages: Dutch templates for verzoeken, herinneringen and escalaties (and later SMTP/IMAP)."""

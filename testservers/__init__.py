"""Real mail servers for tests and benchmarks: aiosmtpd for SMTP, Debian's Dovecot for IMAP, on free ports."""

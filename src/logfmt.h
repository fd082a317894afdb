/* logfmt.h - what log lines are made of (pure): text from the peer made
 * safe and readable, and the journal's native datagram format. */
#ifndef SOCKFTPD_LOGFMT_H
#define SOCKFTPD_LOGFMT_H

#include <stddef.h>

/* Copy bytes into dst as printable, valid UTF-8 text that cannot forge or
 * reorder a log line: valid UTF-8 is kept; C0 and C1 control characters,
 * DEL, the bidirectional controls (U+061C, U+200E-U+200F, U+202A-U+202E,
 * U+2066-U+2069), the line and paragraph separators (U+2028, U+2029) and
 * every byte of invalid UTF-8 become \xNN (each byte); a backslash becomes
 * \\.  The result is cut at cap-1 bytes, never inside an escape or a
 * character, with "..." when longer.  Returns its length. */
size_t log_escape(char *dst, size_t cap, const char *src, size_t len);

/* Append one journal field "KEY=value\n" (or, for a value with a newline,
 * the binary form KEY\n<64-bit little-endian length>value\n) to buf at len.
 * Returns the new length, or len unchanged when it does not fit. */
size_t journal_field(char *buf, size_t cap, size_t len, const char *key, const char *value);

#endif

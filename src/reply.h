/* reply.h - the FTP reply table and reply formatting (pure).
 * Codes and texts of RFC 959 section 4.2, plus those of RFC 2228, 2428,
 * 3659 and 4217 this server uses. */
#ifndef SOCKFTPD_REPLY_H
#define SOCKFTPD_REPLY_H

#include <stddef.h>

/* Largest single reply the server formats in one piece, CRLFs included:
 * room for MLST's reply, which names the longest path twice, every byte of
 * it doubled by the encoding of CR (CR NUL), plus the facts. */
#define REPLY_MAX (4 * 4096 + 1024)

/* The standard text of a reply code, or NULL for a code not in the table. */
const char *reply_text(int code);

/* Format "CODE text\r\n" into buf (cap bytes).  text NULL means the standard
 * text.  CR in the text is sent as CR NUL and LF as NUL (RFC 959, RFC 2640),
 * so no text can end a reply early.  A text too long for buf is cut.
 * Returns the number of bytes written (never more than cap; 0 if cap < 7). */
size_t reply_format(char *buf, size_t cap, int code, const char *text);

/* Format a multi-line reply: "CODE-first", the middle lines, "CODE last".
 * Middle lines that begin with a digit are indented by one space so that no
 * line can be mistaken for the last (RFC 959 section 4.2).  With n == 1 this
 * is reply_format().  Lines are cut, never split, when buf is too small; the
 * last line is always kept. */
size_t reply_format_lines(char *buf, size_t cap, int code,
			  const char *const *lines, size_t n);

#endif

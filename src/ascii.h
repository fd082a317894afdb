/* ascii.h - TYPE A conversions (pure): LF -> CRLF when sending, CRLF -> LF
 * when receiving, correct across buffer boundaries. */
#ifndef SOCKFTPD_ASCII_H
#define SOCKFTPD_ASCII_H

#include <stdbool.h>
#include <stddef.h>

/* out must hold 2 * n bytes.  Returns the bytes written. */
size_t ascii_to_crlf(const char *in, size_t n, char *out);

struct ascii_in {
	bool held_cr;  /* the previous buffer ended in CR */
};

/* out must hold n + 1 bytes (a held CR may come out).  CR LF becomes LF;
 * any other CR is kept. */
size_t ascii_from_crlf(struct ascii_in *st, const char *in, size_t n, char *out);

/* At end of input: a held CR is written out (1) or nothing (0). */
size_t ascii_from_crlf_end(struct ascii_in *st, char *out);

#endif

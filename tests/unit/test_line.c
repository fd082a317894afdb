/* Unit tests for control-line framing and Telnet handling. */
#include <criterion/criterion.h>
#include <stdlib.h>
#include <string.h>

#include "line.h"

/* Feed all of in, collecting events; lines are joined with '|' into out,
 * an overlong line shows as "<LONG>". */
struct run {
	char out[LINE_MAX_BYTES * 3];
	size_t out_len;
	int lines, longs;
	int urgent_lines;
	unsigned char telnet[2048];
	size_t telnet_len;
};

static void feed(struct line_reader *lr, struct run *r, const void *in, size_t n,
		 size_t chunk)
{
	const unsigned char *p = in;
	size_t off = 0;
	while (off < n) {
		size_t len = n - off < chunk ? n - off : chunk;
		size_t used = 0;
		while (used < len) {
			enum line_event ev;
			size_t u = line_reader_feed(lr, p + off + used, len - used, &ev);
			cr_assert_gt(u, 0);
			used += u;
			memcpy(r->telnet + r->telnet_len, lr->out, lr->out_len);
			r->telnet_len += lr->out_len;
			lr->out_len = 0;
			if (ev == LINE_READY) {
				cr_assert_eq(lr->buf[lr->len], '\0');
				memcpy(r->out + r->out_len, lr->buf, lr->len);
				r->out_len += lr->len;
				r->out[r->out_len++] = '|';
				r->lines++;
				r->urgent_lines += lr->last_urgent;
			} else if (ev == LINE_TOO_LONG) {
				memcpy(r->out + r->out_len, "<LONG>|", 7);
				r->out_len += 7;
				r->longs++;
			}
		}
		off += len;
	}
	r->out[r->out_len] = '\0';
}

static struct run *run_all(const void *in, size_t n, size_t chunk)
{
	static struct line_reader lr;
	struct run *r = calloc(1, sizeof(*r));
	line_reader_init(&lr);
	feed(&lr, r, in, n, chunk);
	return r;
}

#define S(x) x, sizeof(x) - 1

Test(line, crlf_and_lf)
{
	static const size_t chunks[] = {1, 2, 3, 7, 4096};
	for (size_t i = 0; i < 5; i++) {
		struct run *r = run_all(S("NOOP\r\nnOoP\nQUIT\r\n"), chunks[i]);
		cr_assert_str_eq(r->out, "NOOP|nOoP|QUIT|");
		cr_assert_eq(r->lines, 3);
		free(r);
	}
}

Test(line, incomplete_line_waits)
{
	struct run *r = run_all(S("NOOP\r\nQUI"), 100);
	cr_assert_str_eq(r->out, "NOOP|");
	free(r);
}

Test(line, empty_lines)
{
	struct run *r = run_all(S("\r\n\n\r\nX\n"), 1);
	cr_assert_str_eq(r->out, "|||X|");
	free(r);
}

Test(line, nul_and_non_ascii_bytes_are_data)
{
	const char in[] = "RETR a\0b\xc3\xa9\x80\n";
	struct run *r = run_all(in, sizeof(in) - 1, 3);
	cr_assert_eq(r->lines, 1);
	cr_assert_eq(r->out_len, sizeof(in) - 1);
	cr_assert_eq(memcmp(r->out, in, sizeof(in) - 2), 0);
	free(r);
}

Test(line, cr_nul_is_a_bare_cr)
{
	struct run *r = run_all(S("A\r\0B\r\n"), 1);
	cr_assert_eq(r->out_len, 4);
	cr_assert_eq(memcmp(r->out, "A\rB|", 4), 0);
	free(r);
}

Test(line, exactly_at_the_limit_is_accepted)
{
	size_t n = LINE_MAX_BYTES + 2;
	char *in = malloc(n);
	memset(in, 'a', LINE_MAX_BYTES);
	memcpy(in + LINE_MAX_BYTES, "\r\n", 2);
	struct run *r = run_all(in, n, 1000);
	cr_assert_eq(r->lines, 1);
	cr_assert_eq(r->longs, 0);
	cr_assert_eq(r->out_len, LINE_MAX_BYTES + 1);
	free(r);
	free(in);
}

Test(line, overlong_line_is_reported_once_and_discarded_to_its_end)
{
	/* the tail of the long line looks like a command: it must not run */
	size_t pad = LINE_MAX_BYTES + 10;
	size_t n = pad + 64;
	char *in = malloc(n);
	memset(in, 'x', pad);
	size_t k = pad;
	memcpy(in + k, "DELE victim\r\nNOOP\r\n", 19);
	k += 19;
	for (size_t chunk = 1; chunk <= 8192; chunk *= 8) {
		struct run *r = run_all(in, k, chunk);
		cr_assert_str_eq(r->out, "<LONG>|NOOP|", "chunk %zu", chunk);
		free(r);
	}
	free(in);
}

Test(line, one_past_the_limit_is_too_long)
{
	size_t n = LINE_MAX_BYTES + 3;
	char *in = malloc(n);
	memset(in, 'a', LINE_MAX_BYTES + 1);
	memcpy(in + LINE_MAX_BYTES + 1, "\r\n", 2);
	struct run *r = run_all(in, n, 512);
	cr_assert_str_eq(r->out, "<LONG>|");
	free(r);
	free(in);
}

Test(line, huge_input_without_newline_stays_bounded)
{
	size_t n = 1 << 20;
	char *in = malloc(n);
	memset(in, 'z', n);
	struct run *r = run_all(in, n, 4096);
	cr_assert_eq(r->longs, 1);
	cr_assert_eq(r->lines, 0);
	free(r);
	free(in);
}

Test(line, iac_iac_is_data_0xff)
{
	struct run *r = run_all(S("RETR a\xff\xff" "b\r\n"), 1);
	cr_assert_eq(r->out_len, 9);
	cr_assert_eq(memcmp(r->out, "RETR a\xff" "b|", 9), 0);
	free(r);
}

Test(line, will_and_do_refused_once_per_option)
{
	/* IAC WILL 1, IAC DO 3, IAC WILL 1 again, IAC WONT 5, IAC DONT 6 */
	struct run *r = run_all(S("\xff\xfb\x01NO\xff\xfd\x03OP\xff\xfb\x01\xff\xfc\x05\xff\xfe\x06\r\n"), 1);
	cr_assert_str_eq(r->out, "NOOP|");
	cr_assert_eq(r->telnet_len, 6);
	cr_assert_eq(memcmp(r->telnet, "\xff\xfe\x01\xff\xfc\x03", 6), 0);
	free(r);
}

Test(line, negotiation_flood_is_bounded)
{
	static unsigned char in[3 * 256 * 40];
	size_t n = 0;
	for (int rep = 0; rep < 20; rep++)
		for (int o = 0; o < 256; o++) {
			in[n++] = 0xff; in[n++] = 0xfb; in[n++] = (unsigned char)o;
			in[n++] = 0xff; in[n++] = 0xfd; in[n++] = (unsigned char)o;
		}
	struct run *r = run_all(in, n, 4096);
	cr_assert_eq(r->telnet_len, 2 * 256 * 3);
	cr_assert_eq(r->lines, 0);
	free(r);
}

Test(line, synch_before_abor_marks_urgent)
{
	/* IAC IP IAC DM ABOR: the form ftp(1) sends */
	struct run *r = run_all(S("\xff\xf4\xff\xf2" "ABOR\r\nNOOP\r\n"), 1);
	cr_assert_str_eq(r->out, "ABOR|NOOP|");
	cr_assert_eq(r->urgent_lines, 1);
	free(r);
	/* DM taken out of band: IAC IP IAC then ABOR */
	r = run_all(S("\xff\xf4\xff" "ABOR\r\n"), 1);
	cr_assert_str_eq(r->out, "ABOR|");
	cr_assert_eq(r->urgent_lines, 1);
	free(r);
}

Test(line, subnegotiation_dropped)
{
	struct run *r = run_all(S("\xff\xfa\x18\x01xterm\xff\xff\x0a\xff\xf0NOOP\r\n"), 1);
	cr_assert_str_eq(r->out, "NOOP|");
	free(r);
}

Test(line, other_telnet_commands_dropped)
{
	struct run *r = run_all(S("N\xff\xf1O\xff\xf6O\xff\xf9P\r\n"), 2);
	cr_assert_str_eq(r->out, "NOOP|");
	free(r);
}

Test(line, no_telnet_byte_reaches_a_line)
{
	/* every IAC pair, inside a line */
	for (int c = 0; c < 256; c++) {
		unsigned char in[16] = {'X', 0xff, (unsigned char)c, 'Y', '\r', '\n'};
		struct run *r = run_all(in, 6, 1);
		if (c == 0xff) {
			cr_assert_eq(r->out_len, 4);
		} else if (c == 251 || c == 252 || c == 253 || c == 254) {
			cr_assert_str_eq(r->out, "X|"); /* Y was the option byte */
		} else if (c == 250) {
			cr_assert_eq(r->lines, 0);      /* inside a subnegotiation */
		} else if (c >= 240) {
			cr_assert_str_eq(r->out, "XY|");
		} else if (c == '\n') {
			cr_assert_str_eq(r->out, "X|Y|");
		} else if (c != '\r') {
			cr_assert_eq(r->out_len, 4, "c=%d", c);
			cr_assert_eq((unsigned char)r->out[1], c);
		}
		free(r);
	}
}

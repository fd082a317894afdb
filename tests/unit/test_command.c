/* Unit tests for the command parser and the verb table. */
#include <criterion/criterion.h>
#include <string.h>

#include "command.h"

static const char *const all_verbs[] = {
	/* RFC 959 section 4.1: 33 commands */
	"USER", "PASS", "ACCT", "CWD", "CDUP", "SMNT", "REIN", "QUIT", "PORT",
	"PASV", "TYPE", "STRU", "MODE", "RETR", "STOR", "STOU", "APPE", "ALLO",
	"REST", "RNFR", "RNTO", "ABOR", "DELE", "RMD", "MKD", "PWD", "LIST",
	"NLST", "SITE", "SYST", "STAT", "HELP", "NOOP",
	/* extensions */
	"AUTH", "PBSZ", "PROT", "CCC", "FEAT", "OPTS", "EPRT", "EPSV", "LANG",
	"MDTM", "SIZE", "MLST", "MLSD", "HOST", "XCWD", "XCUP", "XPWD", "XMKD",
	"XRMD",
};
#define N_VERBS (sizeof(all_verbs) / sizeof(all_verbs[0]))

static enum parse_status parse(const char *s, struct command *c)
{
	return command_parse(s, strlen(s), c);
}

Test(command, table_has_every_verb_once)
{
	cr_assert_eq(N_VERBS, VERB_COUNT);
	for (size_t i = 0; i < N_VERBS; i++) {
		int v = verb_lookup(all_verbs[i], strlen(all_verbs[i]));
		cr_assert_geq(v, 0, "%s missing", all_verbs[i]);
		cr_assert_str_eq(verb_name((enum verb)v), all_verbs[i]);
	}
	/* the table is sorted, so lookups by binary search are sound */
	for (int v = 1; v < VERB_COUNT; v++)
		cr_assert_lt(strcmp(verb_name((enum verb)(v - 1)), verb_name((enum verb)v)), 0);
}

Test(command, every_verb_in_every_letter_case)
{
	for (size_t i = 0; i < N_VERBS; i++) {
		char word[8];
		size_t n = strlen(all_verbs[i]);
		for (unsigned mask = 0; mask < (1u << n); mask++) {
			struct command c;
			for (size_t k = 0; k < n; k++)
				word[k] = (char)((mask >> k & 1) ? all_verbs[i][k] + 32 : all_verbs[i][k]);
			word[n] = '\0';
			cr_assert_eq(parse(word, &c), PARSE_OK, "%s", word);
			cr_assert_str_eq(verb_name(c.verb), all_verbs[i]);
			cr_assert_eq(c.has_arg, 0);
			cr_assert_eq(c.arg_len, 0);
		}
	}
}

Test(command, seed_noop_mixed_case)
{
	struct command c;
	cr_assert_eq(parse("nOoP", &c), PARSE_OK);
	cr_assert_eq(c.verb, VERB_NOOP);
}

Test(command, argument_kept_exactly)
{
	struct command c;
	cr_assert_eq(parse("STOR /path/to/file.txt", &c), PARSE_OK);
	cr_assert_eq(c.verb, VERB_STOR);
	cr_assert_eq(c.has_arg, 1);
	cr_assert_eq(c.arg_len, strlen("/path/to/file.txt"));
	cr_assert_eq(memcmp(c.arg, "/path/to/file.txt", c.arg_len), 0);

	/* only the first space separates: the rest belongs to the path */
	cr_assert_eq(parse("RETR  two  spaces ", &c), PARSE_OK);
	cr_assert_eq(c.arg_len, strlen(" two  spaces "));
	cr_assert_eq(memcmp(c.arg, " two  spaces ", c.arg_len), 0);

	cr_assert_eq(parse("NOOP ", &c), PARSE_OK);
	cr_assert_eq(c.has_arg, 1);
	cr_assert_eq(c.arg_len, 0);
}

Test(command, unknown_words)
{
	struct command c;
	const char *bad[] = {"UNKNOWN command", "UNKNOWN", "NO", "NOOPS", "NO0P",
			     " NOOP", "\tNOOP", "NOOP\tx", "N\xc3\xa9OP", "\xff\xfe",
			     "ZZZZ", "AAA", "XYZ", "MLSX", "4567"};
	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++)
		cr_assert_eq(parse(bad[i], &c), PARSE_UNKNOWN, "%s", bad[i]);
	cr_assert_eq(parse("UNKNOWN command", &c), PARSE_UNKNOWN);
	cr_assert_eq(c.word_len, 7);
	cr_assert_eq(memcmp(c.word, "UNKNOWN", 7), 0);
}

Test(command, empty_line)
{
	struct command c;
	cr_assert_eq(command_parse("", 0, &c), PARSE_EMPTY);
}

Test(command, nul_bytes)
{
	struct command c;
	/* in the verb: unknown */
	cr_assert_eq(command_parse("NO\0P", 4, &c), PARSE_UNKNOWN);
	cr_assert_eq(command_parse("NOOP\0", 5, &c), PARSE_UNKNOWN);
	/* in the argument: reported, never silently cut */
	cr_assert_eq(command_parse("RETR a\0b", 8, &c), PARSE_NUL_ARG);
	cr_assert_eq(c.verb, VERB_RETR);
}

Test(command, non_ascii_argument)
{
	struct command c;
	const char line[] = "RETR caf\xc3\xa9 \xff\x80.txt";
	cr_assert_eq(command_parse(line, sizeof(line) - 1, &c), PARSE_OK);
	cr_assert_eq(c.arg_len, sizeof(line) - 1 - 5);
	cr_assert_eq(memcmp(c.arg, line + 5, c.arg_len), 0);
}

Test(command, verb_lookup_bounds)
{
	cr_assert_eq(verb_lookup("", 0), -1);
	cr_assert_eq(verb_lookup("CWDXX", 5), -1);
	cr_assert_eq(verb_lookup("cwd", 3), VERB_CWD);
	cr_assert_str_eq(verb_name((enum verb)VERB_COUNT), "?");
}

Test(command, http_request_lines)
{
	cr_assert(command_is_http("GET / HTTP/1.1", 14));
	cr_assert(command_is_http("POST /upload HTTP/1.0", 21));
	cr_assert(command_is_http("PRI * HTTP/2.0", 14));
	cr_assert_not(command_is_http("GET /", 5));
	cr_assert_not(command_is_http("GET / HTTP", 10));
	cr_assert_not(command_is_http("get / HTTP/1.1", 14));
	cr_assert_not(command_is_http("STOR HTTP/1.1", 13));
	cr_assert_not(command_is_http("PUT", 3));
	cr_assert_not(command_is_http("", 0));
}

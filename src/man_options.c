/* man_options.c - build-time helper: from the option table, print
 *   (no argument)  the OPTIONS section of sockftpd(8),
 *   conf-man       the KEYS section of sockftpd.conf(5),
 *   conf           the commented sockftpd.conf that meson installs.
 * scripts/man-options.py puts the first two in the pages; unit tests check
 * that the pages match. */
#include <stdio.h>
#include <string.h>

#include "options.h"

int main(int argc, char **argv)
{
	static char buf[1 << 17];
	size_t n;

	if (argc > 1 && strcmp(argv[1], "conf-man") == 0)
		n = options_conf_man(buf, sizeof(buf));
	else if (argc > 1 && strcmp(argv[1], "conf") == 0)
		n = options_conf_example(buf, sizeof(buf));
	else
		n = options_man(buf, sizeof(buf));
	return fwrite(buf, 1, n, stdout) == n ? 0 : 1;
}

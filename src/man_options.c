/* man_options.c - print the OPTIONS section of sockftpd(8) from the option
 * table (build-time helper; scripts/man-options.py puts it in the page). */
#include <stdio.h>

#include "options.h"

int main(void)
{
	static char buf[1 << 16];
	size_t n = options_man(buf, sizeof(buf));

	return fwrite(buf, 1, n, stdout) == n ? 0 : 1;
}

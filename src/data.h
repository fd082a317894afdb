/* data.h - data connections: passive (PASV, EPSV) and active (PORT, EPRT),
 * with the address checks that stop FTP bounce and passive-port theft. */
#ifndef SOCKFTPD_DATA_H
#define SOCKFTPD_DATA_H

#include <stdbool.h>
#include <sys/socket.h>

#include "address.h"

enum data_mode { DATA_NONE, DATA_PASSIVE, DATA_ACTIVE };

struct data {
	enum data_mode mode;
	int listen_fd;                  /* passive: our listening socket */
	struct sockaddr_storage target; /* active: where to connect */
	socklen_t target_len;
	bool epsv_all;                  /* EPSV ALL: PORT, EPRT, PASV refused */
};

struct session;

void data_init(struct data *d);
void data_reset(struct data *d);  /* close what is open, forget the mode */

/* Passive: listen on the control connection's local address, in the
 * --pasv-ports range if one is set.  Stores the port.  -1 with errno. */
int data_listen(struct session *s, unsigned *port);

/* Open the data connection for a transfer: accept (only from the control
 * peer's address; other connections are dropped and waiting goes on) or
 * connect, within the data timeout.  Returns a non-blocking socket, or -1
 * (the caller answers 425). */
int data_open(struct session *s);

#endif

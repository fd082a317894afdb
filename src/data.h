/* data.h - data connections: passive (PASV, EPSV) and active (PORT, EPRT),
 * with the address checks that stop FTP bounce and passive-port theft.
 * Narrow inputs: addresses, a port range, a deadline, and the control
 * channel to watch while waiting.  It hands back a connected socket, which
 * the caller puts behind a chan at once. */
#ifndef SOCKFTPD_DATA_H
#define SOCKFTPD_DATA_H

#include <stdbool.h>
#include <sys/socket.h>

#include "address.h"
#include "cidr.h"
#include "ctrl.h"

enum data_mode { DATA_NONE, DATA_PASSIVE, DATA_ACTIVE };

struct data {
	enum data_mode mode;
	int listen_fd;                  /* passive: our listening socket */
	int ready_fd;                   /* passive: the client's connection,
					 * accepted early, or -1 */
	struct sockaddr_storage target; /* active: where to connect */
	socklen_t target_len;
	bool epsv_all;                  /* EPSV ALL: PORT, EPRT, PASV refused */
};

/* The control connection's ends, as data connections need them. */
struct data_ends {
	struct sockaddr_storage local;  /* this end: passive sockets listen here */
	socklen_t local_len;
	const char *peer_addr;          /* the client: the only address served */
	/* Behind a balancer (--proxy-protocol): a passive connection from one
	 * of these begins with a PROXY header naming who is behind it. */
	const struct cidr *proxy_nets;
	size_t n_proxy_nets;
};

void data_init(struct data *d);
void data_reset(struct data *d);  /* close what is open, forget the mode */

/* Passive: listen on the control connection's local address, in lo-hi if
 * lo is not 0.  Stores the port.  -1 with errno. */
int data_listen(struct data *d, const struct data_ends *ends, unsigned lo, unsigned hi,
		unsigned *port);

/* Active: connect to ss for the next transfer (the caller checked it). */
void data_set_active(struct data *d, const struct sockaddr_storage *ss, socklen_t len);

/* Passive: take the client's connection if it is already waiting, without
 * waiting for it, so that a transfer command's file is opened meanwhile
 * (cmd_transfer.c); data_open hands it over, a failed command leaves it for
 * the next one, data_reset closes it.  Another's connection is dropped.
 * Not behind a balancer (its PROXY header may not be there yet). */
void data_accept_early(struct data *d, const struct data_ends *ends);

/* Open the data connection for a transfer: accept (only from the client's
 * address; other connections are dropped and waiting goes on) or connect,
 * before the deadline, while the control channel is watched (ABOR, QUIT or
 * the client leaving end the wait: errno ECANCELED).  Returns a
 * non-blocking socket, or -1 with errno (the caller answers 425). */
int data_open(struct data *d, const struct data_ends *ends, long long deadline,
	      struct ctrl *watch);

#endif

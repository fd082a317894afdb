/* chan.h - THE door to a connection.  Every byte of the control connection
 * and of every data connection goes through a struct chan; nothing above it
 * touches the connection's descriptors.  Today a channel is a plain socket
 * (or, for a scripted session, standard input and output); a secure layer
 * goes behind the same operations.
 *
 * Reads and writes never block: -1 with errno EAGAIN says the channel has
 * to wait, and for which direction (a secure channel may have to write to
 * read, or read to write); chan_wait() and chan_pollfd() wait for exactly
 * that.  Zero-copy (sendfile, splice) is a capability: a channel that cannot
 * offer it leaves the operation NULL and the copy engine moves the bytes
 * itself. */
#ifndef SOCKFTPD_CHAN_H
#define SOCKFTPD_CHAN_H

#include <poll.h>
#include <stdbool.h>
#include <stddef.h>
#include <sys/types.h>

enum chan_dir { CHAN_READ, CHAN_WRITE };

struct chan;

struct chan_ops {
	/* > 0: bytes moved.  0 (read): the peer ended its stream in order.
	 * -1 with errno: EAGAIN when it would block, else a failure; a
	 * secure channel says EPROTO when the stream ended without its
	 * in-band end (a truncation anyone on the path can forge) and
	 * ECONNABORTED when the peer broke the protocol. */
	ssize_t (*read)(struct chan *c, void *buf, size_t n);
	ssize_t (*write)(struct chan *c, const void *buf, size_t n);
	/* Bytes the channel has taken from the connection but not yet handed
	 * out: a wait would not see them. */
	size_t (*pending)(const struct chan *c);
	/* Zero-copy, NULL where the channel cannot: file -> connection from
	 * the file's own offset, and connection -> pipe.  As read/write. */
	ssize_t (*sendfile)(struct chan *c, int ffd, size_t n);
	ssize_t (*splice_to_pipe)(struct chan *c, int pipe_wfd, size_t n);
	/* End what we send in order (a secure channel says so in-band).
	 * 0, or -1 with errno (EAGAIN: wait and call again). */
	int (*finish)(struct chan *c);
	void (*close)(struct chan *c);
};

struct chan {
	const struct chan_ops *ops;
	int rfd, wfd;          /* what is polled: one socket, or stdin and stdout */
	bool is_socket;
	enum chan_dir rwant;   /* what a read that returned EAGAIN waits for */
	enum chan_dir wwant;   /* what a write that returned EAGAIN waits for */
	void *impl;            /* a secure layer's state */
};

/* A plain channel over a socket (rfd == wfd) or over standard input and
 * output. */
void chan_plain(struct chan *c, int rfd, int wfd);

static inline ssize_t chan_read(struct chan *c, void *buf, size_t n)
{
	return c->ops->read(c, buf, n);
}

static inline ssize_t chan_write(struct chan *c, const void *buf, size_t n)
{
	return c->ops->write(c, buf, n);
}

static inline size_t chan_pending(const struct chan *c)
{
	return c->ops->pending(c);
}

static inline bool chan_can_sendfile(const struct chan *c)
{
	return c->ops->sendfile != NULL;
}

static inline bool chan_can_splice(const struct chan *c)
{
	return c->ops->splice_to_pipe != NULL;
}

static inline ssize_t chan_sendfile(struct chan *c, int ffd, size_t n)
{
	return c->ops->sendfile(c, ffd, n);
}

static inline ssize_t chan_splice_to_pipe(struct chan *c, int pipe_wfd, size_t n)
{
	return c->ops->splice_to_pipe(c, pipe_wfd, n);
}

/* The pollfd that waits until an operation in direction dir can go on. */
void chan_pollfd(const struct chan *c, enum chan_dir dir, struct pollfd *p);

/* Wait until an operation in direction dir can go on (at once when
 * pending bytes are there to read).  1: go on; 0: the deadline passed;
 * -1 with errno. */
int chan_wait(struct chan *c, enum chan_dir dir, long long deadline);

/* Write all of buf before the deadline.  0, or -1 with errno (ETIMEDOUT
 * when the deadline passed). */
int chan_write_all(struct chan *c, const void *buf, size_t n, long long deadline);

/* End what we send in order, before the deadline.  0 or -1 with errno. */
int chan_finish(struct chan *c, long long deadline);

/* Close the connection and forget it (c->ops becomes NULL). */
void chan_close(struct chan *c);

/* Does a secure layer carry this channel? */
static inline bool chan_is_secure(const struct chan *c)
{
	return c->impl != NULL;
}

static inline bool chan_is_open(const struct chan *c)
{
	return c->ops != NULL;
}

#endif

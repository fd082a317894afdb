/* admitask.h - a session the listener started behind a balancer: it
 * reports the client the PROXY header named to the listener, on the
 * channel the listener gave it (pending.h), and waits for the verdict of
 * the per-source limits (admission.h). */
#ifndef SOCKFTPD_ADMITASK_H
#define SOCKFTPD_ADMITASK_H

#include <sys/socket.h>

#include "admission.h"

/* How long the listener has to answer (it answers at once when it runs). */
#define ADMIT_VERDICT_TIMEOUT_MS 5000

/* Report the client at sa (NULL: a LOCAL header) on fd and wait until
 * deadline for the verdict: 0 with it in *v, or -1 with errno (the channel
 * failed or was closed, no well-formed answer, ETIMEDOUT). */
int admit_ask(int fd, const struct sockaddr *sa, socklen_t len, long long deadline,
	      enum adm_verdict *v);

#endif

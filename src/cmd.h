/* cmd.h - command handlers, grouped by concern in cmd_*.c, and the helpers
 * they share. */
#ifndef SOCKFTPD_CMD_H
#define SOCKFTPD_CMD_H

#include "session.h"

/* cmd_login.c */
int cmd_user(struct session *s, const struct command *cmd);
int cmd_pass(struct session *s, const struct command *cmd);
int cmd_rein(struct session *s, const struct command *cmd);
int cmd_acct(struct session *s, const struct command *cmd);

/* cmd_misc.c */
int cmd_noop(struct session *s, const struct command *cmd);
int cmd_quit(struct session *s, const struct command *cmd);
int cmd_syst(struct session *s, const struct command *cmd);
int cmd_feat(struct session *s, const struct command *cmd);
int cmd_opts(struct session *s, const struct command *cmd);
int cmd_help(struct session *s, const struct command *cmd);
int cmd_host(struct session *s, const struct command *cmd);
int cmd_allo(struct session *s, const struct command *cmd);
int cmd_type(struct session *s, const struct command *cmd);
int cmd_mode(struct session *s, const struct command *cmd);
int cmd_stru(struct session *s, const struct command *cmd);
int cmd_site(struct session *s, const struct command *cmd);

/* cmd_fs.c */
int cmd_cwd(struct session *s, const struct command *cmd);
int cmd_cdup(struct session *s, const struct command *cmd);
int cmd_pwd(struct session *s, const struct command *cmd);
int cmd_mkd(struct session *s, const struct command *cmd);
int cmd_rmd(struct session *s, const struct command *cmd);
int cmd_dele(struct session *s, const struct command *cmd);
int cmd_rnfr(struct session *s, const struct command *cmd);
int cmd_rnto(struct session *s, const struct command *cmd);
int cmd_size(struct session *s, const struct command *cmd);
int cmd_mdtm(struct session *s, const struct command *cmd);
int cmd_site_chmod(struct session *s, const char *arg, size_t len);

/* cmd_data.c */
int cmd_pasv(struct session *s, const struct command *cmd);
int cmd_epsv(struct session *s, const struct command *cmd);
int cmd_port(struct session *s, const struct command *cmd);
int cmd_eprt(struct session *s, const struct command *cmd);

/* cmd_transfer.c */
int cmd_retr(struct session *s, const struct command *cmd);
int cmd_stor(struct session *s, const struct command *cmd);
int cmd_appe(struct session *s, const struct command *cmd);
int cmd_stou(struct session *s, const struct command *cmd);
int cmd_rest(struct session *s, const struct command *cmd);
int cmd_abor(struct session *s, const struct command *cmd);

/* cmd_list.c */
int cmd_list(struct session *s, const struct command *cmd);
int cmd_nlst(struct session *s, const struct command *cmd);
int cmd_mlsd(struct session *s, const struct command *cmd);
int cmd_mlst(struct session *s, const struct command *cmd);
int cmd_stat(struct session *s, const struct command *cmd);

/* session.c: shared by the handlers */

/* Resolve the command's argument into vpath (VPATH_MAX); on a bad path the
 * reply (501, 553) is sent and -1 returned.  -2: the control connection
 * failed while replying. */
int session_path(struct session *s, const char *arg, size_t len, char *vpath);

/* Reply to a failed file operation from its errno (550, 553, 552, 501...). */
int session_reply_errno(struct session *s, int err);

/* Refuse writes for read-only logins: sends 550 and returns 1. -1 on a
 * control failure, 0 when writing is allowed. */
int session_deny_write(struct session *s);

/* The data connection and the transfer's final reply, shared by RETR, STOR,
 * LIST and friends: 150 + open, or 425. Returns the fd, -1 after replying
 * 425, -2 on a control failure. */
int session_open_data(struct session *s, const char *what);

/* After a transfer: 226, or 426/451/452/552 as status says, with ABOR's
 * 426 + 226 pair.  Logs the transfer. */
int session_end_transfer(struct session *s, int status, const char *verb,
			 const char *vpath, long long bytes);

#endif

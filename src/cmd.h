/* cmd.h - the command handlers, grouped by concern in cmd_*.c.  Each sends
 * its reply (or replies) itself and returns REPLIED, or DEAD when the
 * control connection failed. */
#ifndef SOCKFTPD_CMD_H
#define SOCKFTPD_CMD_H

#include "cmd_support.h"

typedef enum outcome (*command_fn)(struct session *s, const struct command *cmd);

#define HANDLER(name) enum outcome name(struct session *s, const struct command *cmd)

/* cmd_login.c */
HANDLER(cmd_user);
HANDLER(cmd_pass);
HANDLER(cmd_rein);
HANDLER(cmd_acct);

/* cmd_misc.c */
HANDLER(cmd_noop);
HANDLER(cmd_quit);
HANDLER(cmd_syst);
HANDLER(cmd_opts);
HANDLER(cmd_host);
HANDLER(cmd_allo);
HANDLER(cmd_type);
HANDLER(cmd_mode);
HANDLER(cmd_stru);
HANDLER(cmd_site);

/* cmd_fs.c */
HANDLER(cmd_cwd);
HANDLER(cmd_cdup);
HANDLER(cmd_pwd);
HANDLER(cmd_mkd);
HANDLER(cmd_rmd);
HANDLER(cmd_dele);
HANDLER(cmd_rnfr);
HANDLER(cmd_rnto);
HANDLER(cmd_size);
HANDLER(cmd_mdtm);
enum outcome cmd_site_chmod(struct session *s, const char *arg, size_t len);

/* cmd_data.c */
HANDLER(cmd_pasv);
HANDLER(cmd_epsv);
HANDLER(cmd_port);
HANDLER(cmd_eprt);

/* cmd_transfer.c */
HANDLER(cmd_retr);
HANDLER(cmd_stor);
HANDLER(cmd_appe);
HANDLER(cmd_stou);
HANDLER(cmd_rest);
HANDLER(cmd_abor);

/* cmd_list.c */
HANDLER(cmd_list);
HANDLER(cmd_nlst);
HANDLER(cmd_mlsd);
HANDLER(cmd_mlst);
HANDLER(cmd_stat);

/* cmd_tls.c */
HANDLER(cmd_auth);
HANDLER(cmd_pbsz);
HANDLER(cmd_prot);
HANDLER(cmd_ccc);

/* cmd_table.c: HELP and FEAT are printed from the handler table. */
HANDLER(cmd_help);
HANDLER(cmd_feat);

#endif

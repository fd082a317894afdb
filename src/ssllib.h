/* ssllib.h - OpenSSL 3, loaded only when it is needed.
 *
 * Linking libssl and libcrypto would make every session pay for loading
 * them (mapping and relocating libcrypto before main), also the plain ones
 * that never speak TLS.  sockftpd compiles against OpenSSL's headers and
 * dlopen()s libssl.so.3 (which brings libcrypto.so.3) only when TLS is
 * configured.  The functions it uses are one table, SSLLIB_FUNCTIONS: each
 * is resolved by name and checked against the header's prototype. */
#ifndef SOCKFTPD_SSLLIB_H
#define SOCKFTPD_SSLLIB_H

#include <openssl/err.h>
#include <openssl/ssl.h>
#include <openssl/x509.h>

#define SSLLIB_FUNCTIONS(X) \
	X(OPENSSL_init_ssl) \
	X(TLS_server_method) \
	X(SSL_CTX_new) \
	X(SSL_CTX_free) \
	X(SSL_CTX_ctrl) \
	X(SSL_CTX_callback_ctrl) \
	X(SSL_CTX_set_options) \
	X(SSL_CTX_set_cipher_list) \
	X(SSL_CTX_set_ciphersuites) \
	X(SSL_CTX_use_certificate_chain_file) \
	X(SSL_CTX_use_PrivateKey_file) \
	X(SSL_CTX_check_private_key) \
	X(SSL_CTX_get0_certificate) \
	X(SSL_CTX_set_alpn_select_cb) \
	X(SSL_CTX_set_timeout) \
	X(SSL_CTX_set_num_tickets) \
	X(SSL_CTX_set_session_id_context) \
	X(SSL_CTX_remove_session) \
	X(SSL_CTX_set_default_read_buffer_len) \
	X(SSL_CTX_set_session_ticket_cb) \
	X(SSL_SESSION_set1_ticket_appdata) \
	X(SSL_SESSION_get0_ticket_appdata) \
	X(SSL_set_ex_data) \
	X(SSL_get_ex_data) \
	X(SSL_new) \
	X(SSL_free) \
	X(SSL_set_fd) \
	X(SSL_accept) \
	X(SSL_read_ex) \
	X(SSL_write_ex) \
	X(SSL_pending) \
	X(SSL_has_pending) \
	X(SSL_get_error) \
	X(SSL_shutdown) \
	X(SSL_set_options) \
	X(SSL_set_num_tickets) \
	X(SSL_session_reused) \
	X(SSL_get_session) \
	X(SSL_new_session_ticket) \
	X(SSL_get_servername) \
	X(SSL_get_version) \
	X(SSL_version) \
	X(SSL_get_current_cipher) \
	X(SSL_CIPHER_get_name) \
	X(SSL_sendfile) \
	X(SSL_get_wbio) \
	X(BIO_ctrl) \
	X(X509_get0_notAfter) \
	X(X509_cmp_current_time) \
	X(ERR_get_error) \
	X(ERR_peek_last_error) \
	X(ERR_error_string_n) \
	X(ERR_clear_error)

struct ssllib {
#define SSLLIB_MEMBER(name) __typeof__(&name) name;
	SSLLIB_FUNCTIONS(SSLLIB_MEMBER)
#undef SSLLIB_MEMBER
};

/* The loaded library, or NULL (with a reason from ssllib_error()). */
const struct ssllib *ssllib_get(void);
const char *ssllib_error(void);

#endif

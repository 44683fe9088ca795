/**
 * SSH access to the CLI, the ASA way: {@link org.headend.control.ssh.SshCliServer} listens on the interfaces named by
 * {@code ssh A.B.C.D M.M.M.M NAMEIF} lines, lets in the hosts those lines allow, authenticates against the local
 * users when {@code aaa authentication ssh console LOCAL} is configured, and runs one
 * {@link org.headend.control.cli.CliSession} per shell channel ({@link org.headend.control.ssh.SshShell}). The host
 * key is kept in the state directory so clients see the same key across restarts.
 */
package org.headend.control.ssh;

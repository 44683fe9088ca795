/**
 * The operator's CLI, the ASA's command language on the serial console and over SSH.
 * <ul>
 * <li>{@link org.headend.control.cli.CliSession} is the interpreter of one operator: privilege (user EXEC
 * {@code >}, privileged EXEC {@code #}), mode and place in the configuration, ASA error forms, {@code ?} help and
 * Tab completion (both read the same grammar declarations that parse the line), output filters and
 * {@code | json}.</li>
 * <li>{@code ExecCommands} declares the exec commands once; configuration commands come from
 * {@link org.headend.control.config.ConfigLanguage}. Show commands return an {@link org.headend.control.cli.Output}:
 * the ASA-shaped text and the same facts as data.</li>
 * <li>{@link org.headend.control.cli.CliIo} is the terminal: {@link org.headend.control.cli.StreamIo} for pipes,
 * fifos and SSH without a pty; {@link org.headend.control.cli.JlineIo} (JLine) for terminals and SSH with a pty.
 * The {@link org.headend.control.cli.Console} runs one session on standard input/output.</li>
 * <li>{@link org.headend.control.cli.CliContext} is what all sessions share: the configuration store (which
 * serializes changes), the session table, the counters, the {@link org.headend.control.cli.AuditLog}, the flash
 * store {@code disk0:} ({@link org.headend.control.flash.FlashStore}), and the login and enable limits.</li>
 * </ul>
 */
package org.headend.control.cli;

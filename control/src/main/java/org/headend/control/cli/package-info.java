/**
 * The operator's CLI. {@link org.headend.control.cli.CliSession} is the interpreter of one operator (mode, place in
 * the configuration, ASA error forms); {@link org.headend.control.cli.CliIo} is its terminal; the serial
 * {@link org.headend.control.cli.Console} runs one session over standard input and output. Sessions share one
 * {@link org.headend.control.cli.CliContext}; configuration changes are serialized by the store, so an SSH
 * server can run one session per channel.
 */
package org.headend.control.cli;

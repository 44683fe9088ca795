package org.headend.control.config;

import java.util.Set;

/**
 * The global {@code webvpn} block.
 *
 * @param enabledNameifs    the nameifs of {@code enable <nameif>} lines
 * @param port              {@code port} (TCP, and UDP for DTLS unless {@code dtls port} says otherwise); default 443
 * @param anyconnectEnabled {@code anyconnect enable}
 */
public record WebvpnConfig(Set<String> enabledNameifs, int port, boolean anyconnectEnabled)
{
}

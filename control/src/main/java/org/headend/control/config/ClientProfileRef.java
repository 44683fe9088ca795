package org.headend.control.config;

/**
 * One {@code anyconnect profiles value NAME [type TYPE]} of a group-policy or user.
 *
 * @param name the profile, as defined by the global {@code webvpn} / {@code anyconnect profiles NAME FILE}
 * @param type the client module the profile is for ({@code vpn} unless given)
 */
public record ClientProfileRef(String name, String type)
{
}

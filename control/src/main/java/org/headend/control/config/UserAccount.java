package org.headend.control.config;

/**
 * A {@code username}.
 *
 * @param name           the user name, case-sensitive
 * @param password       the stored password hash (never the clear text)
 * @param privilege      {@code privilege} 0–15 (default 2)
 * @param vpnGroupPolicy {@code vpn-group-policy} from {@code username NAME attributes}, or null
 * @param attributes     group-policy attributes set on the user itself
 */
public record UserAccount(String name, PasswordHash password, int privilege, String vpnGroupPolicy,
    PolicyAttributes attributes)
{
}

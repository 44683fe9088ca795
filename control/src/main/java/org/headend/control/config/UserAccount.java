package org.headend.control.config;

/**
 * A {@code username}.
 *
 * @param name           the user name, case-sensitive
 * @param password       the stored password hash (never the clear text)
 * @param privilege      {@code privilege} 0–15 (default 2)
 * @param vpnGroupPolicy {@code vpn-group-policy} from {@code username NAME attributes}, or null
 * @param attributes     group-policy attributes set on the user itself
 * @param serviceType    {@code service-type admin|nas-prompt|remote-access}, or null when not set
 * @param totpSecret     {@code totp-secret}: the user's RFC 6238 secret in canonical base32, or null for password
 *                       only
 * @param ntHash         {@code username NAME password P mschap}: the NT hash (MD4 of UTF-16LE) in hex, for
 *                       EAP-MSCHAPv2 (IKEv2), or null
 */
public record UserAccount(String name, PasswordHash password, int privilege, String vpnGroupPolicy,
    PolicyAttributes attributes, String serviceType, String totpSecret, String ntHash)
{
    /** Without an NT hash. */
    public UserAccount(final String name, final PasswordHash password, final int privilege,
        final String vpnGroupPolicy, final PolicyAttributes attributes, final String serviceType,
        final String totpSecret)
    {
        this(name, password, privilege, vpnGroupPolicy, attributes, serviceType, totpSecret, null);
    }

    /** Without a second factor. */
    public UserAccount(final String name, final PasswordHash password, final int privilege,
        final String vpnGroupPolicy, final PolicyAttributes attributes, final String serviceType)
    {
        this(name, password, privilege, vpnGroupPolicy, attributes, serviceType, null, null);
    }

    /** The walking skeleton's fields; no service-type. */
    public UserAccount(final String name, final PasswordHash password, final int privilege,
        final String vpnGroupPolicy, final PolicyAttributes attributes)
    {
        this(name, password, privilege, vpnGroupPolicy, attributes, null, null, null);
    }

    /** Whether the user may log in to the management console ({@code service-type remote-access} may not). */
    public boolean mayManage()
    {
        return !"remote-access".equals(serviceType);
    }

    @Override
    public String toString()
    {
        return "UserAccount[" + name + "]";
    }
}

package org.headend.control.config;

/**
 * The LDAP part of an {@code aaa-server NAME (IF) host ADDR} sub-mode, for a group of {@code protocol ldap}.
 *
 * @param port             {@code server-port}, or 0 for the default: 636 with {@code ldap-over-ssl enable}, else 389
 * @param baseDn           {@code ldap-base-dn}: where users are searched, or null (the root)
 * @param subtree          {@code ldap-scope subtree}; {@code onelevel} (the ASA's default) searches only the
 *                         base's children
 * @param namingAttribute  {@code ldap-naming-attribute}: the attribute the typed user name is compared with, or null
 *                         for the server type's usual one ({@link #effectiveNamingAttribute()})
 * @param loginDn          {@code ldap-login-dn}: the service account the search binds as, or null (anonymous)
 * @param loginPassword    {@code ldap-login-password} (never logged, masked in {@code show running-config})
 * @param transport        {@code ldap-over-ssl enable} (LDAPS), {@code ldap-over-ssl starttls} or plain
 * @param serverType       {@code server-type}: which password-expiry answers are read
 * @param attributeMap     {@code ldap-attribute-map NAME}, or null
 * @param trustedCaFile    {@code ldap-trusted-ca disk0:/FILE}: the PEM CA certificates the server's certificate
 *                         must chain to, or null for the JDK's default trust store
 */
public record LdapHostSettings(int port, String baseDn, boolean subtree, String namingAttribute, String loginDn,
    String loginPassword, Transport transport, ServerType serverType, String attributeMap, String trustedCaFile)
{
    public static final int LDAP_PORT = 389;
    public static final int LDAPS_PORT = 636;

    /** How the connection to the server is protected. */
    public enum Transport
    {
        /** Plain LDAP: the user's password crosses the network in clear (warned about). */
        PLAIN,
        /** {@code ldap-over-ssl enable}: TLS from the first byte (LDAPS). */
        LDAPS,
        /** {@code ldap-over-ssl starttls}: plain LDAP upgraded with the StartTLS operation before any bind. */
        STARTTLS
    }

    /** {@code server-type}: the directory's dialect of "your password has expired". */
    public enum ServerType
    {
        /** Reads both Active Directory's data codes and the OpenLDAP password-policy control. */
        AUTO_DETECT("auto-detect"),
        /** Active Directory: {@code data 532} (expired), {@code data 773} (must change) in the bind answer. */
        MICROSOFT("microsoft"),
        /** OpenLDAP's ppolicy overlay: the password policy response control. */
        OPENLDAP("openldap"),
        /** Sun/Oracle directory servers: the password policy response control. */
        SUN("sun"),
        /** Novell eDirectory: the password policy response control. */
        NOVELL("novell");

        private final String word;

        ServerType(final String word)
        {
            this.word = word;
        }

        public String word()
        {
            return word;
        }

        public static ServerType of(final String word)
        {
            for (final ServerType type : values())
            {
                if (type.word.equals(word))
                {
                    return type;
                }
            }
            throw new IllegalArgumentException("unknown server-type " + word);
        }
    }

    /** The port connected to. */
    public int effectivePort()
    {
        return port != 0 ? port : transport == Transport.LDAPS ? LDAPS_PORT : LDAP_PORT;
    }

    /** The attribute a user name is looked up by: the configured one, else AD's or the usual LDAP one. */
    public String effectiveNamingAttribute()
    {
        return namingAttribute != null ? namingAttribute : serverType == ServerType.MICROSOFT ? "sAMAccountName"
            : "uid";
    }

    @Override
    public String toString()
    {
        return "LdapHostSettings[port=" + effectivePort() + ", base=" + baseDn + ", " + transport + "]";
    }
}

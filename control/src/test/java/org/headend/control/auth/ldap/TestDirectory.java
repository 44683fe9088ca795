package org.headend.control.auth.ldap;

import com.unboundid.ldap.listener.InMemoryDirectoryServer;
import com.unboundid.ldap.sdk.LDAPException;
import com.unboundid.ldif.LDIFException;

/**
 * The tree the in-memory directories of the LDAP tests start from: the base entry and {@code ou=people} under it,
 * and where the appliance binds as a service account, {@code ou=services} with {@code cn=vpn} (password
 * {@value #SERVICE_PASSWORD}).
 */
public final class TestDirectory
{
    public static final String SERVICE_PASSWORD = "svc-pw";

    private TestDirectory()
    {
    }

    /** Adds {@code base} (a {@code dc=example,...} domain) and {@code ou=people} under it. */
    public static void addPeople(final InMemoryDirectoryServer server, final String base)
        throws LDAPException, LDIFException
    {
        server.add("dn: " + base, "objectClass: domain", "dc: example");
        server.add("dn: ou=people," + base, "objectClass: organizationalUnit", "ou: people");
    }

    /** Adds {@code ou=services} under {@code base} and the service account {@code cn=vpn} in it. */
    public static void addServiceAccount(final InMemoryDirectoryServer server, final String base)
        throws LDAPException, LDIFException
    {
        server.add("dn: ou=services," + base, "objectClass: organizationalUnit", "ou: services");
        server.add("dn: cn=vpn,ou=services," + base, "objectClass: person", "cn: vpn", "sn: vpn",
            "userPassword: " + SERVICE_PASSWORD);
    }
}

package org.headend.control.auth.ldap;

import com.unboundid.ldap.listener.InMemoryDirectoryServer;
import com.unboundid.ldap.listener.InMemoryDirectoryServerConfig;
import com.unboundid.ldap.listener.InMemoryListenerConfig;
import com.unboundid.ldap.listener.interceptor.InMemoryOperationInterceptor;
import com.unboundid.ldap.sdk.LDAPException;
import com.unboundid.ldif.LDIFException;
import java.net.InetAddress;
import java.net.UnknownHostException;

/**
 * The tree the in-memory directories of the LDAP tests start from: the base entry and {@code ou=people} under it,
 * and where the appliance binds as a service account, {@code ou=services} with {@code cn=vpn} (password
 * {@value #SERVICE_PASSWORD}); and the configuration lines that point the appliance at such a directory.
 */
public final class TestDirectory
{
    public static final String SERVICE_PASSWORD = "svc-pw";

    private TestDirectory()
    {
    }

    /**
     * A directory for {@code base} that will listen in plain LDAP on a free loopback port (listener name
     * {@code ldap}), every operation passing {@code interceptor}, already holding {@link #addPeople}; not started.
     */
    public static InMemoryDirectoryServer onLoopback(final String base, final InMemoryOperationInterceptor interceptor)
        throws LDAPException, LDIFException, UnknownHostException
    {
        final InMemoryDirectoryServerConfig config = new InMemoryDirectoryServerConfig(base);
        config.setListenerConfigs(InMemoryListenerConfig.createLDAPConfig("ldap",
            InetAddress.getByName("127.0.0.1"), 0, null));
        config.addInMemoryOperationInterceptor(interceptor);
        final InMemoryDirectoryServer server = new InMemoryDirectoryServer(config);
        addPeople(server, base);
        return server;
    }

    /**
     * The lines of AAA server group {@code group} with one LDAP server, on loopback at {@code port}, whose users are
     * under {@code ou=people} of {@code base}; the server's further lines, one space in, may follow. The timeout is
     * the ASA's default, 10 s: the directory runs in the test's own JVM, and on a loaded machine its first LDAPS
     * handshake, in cold code on both ends, once took longer than the 3 s given before, so a login that should
     * succeed was refused (LdapAuthenticatorTest.shouldLogInOverLdapsWithTheConfiguredCa). Tests of a server that
     * does not answer set their own short timeouts.
     */
    public static String aaaServer(final String group, final int port, final String base)
    {
        return """
            aaa-server %1$s protocol ldap
            aaa-server %1$s (inside) host 127.0.0.1
             server-port %2$d
             timeout 10
             ldap-base-dn ou=people,%3$s
            """.formatted(group, port, base);
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

package org.headend.perf.aaa;

import java.net.InetAddress;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import org.headend.control.auth.ldap.LdapAuthenticator;
import org.headend.control.config.AaaServerGroup;
import org.headend.control.config.AaaServerHost;
import org.headend.control.config.LdapHostSettings;

/**
 * Logins through the appliance's LDAP back end (LDAPS, CA checked, service bind, search, user bind: one TLS
 * connection per login) against a real directory, with {@code concurrency} logins outstanding: prints logins per
 * second and the latency percentiles. Run by {@code perf/scripts/ldap-logins.sh}, which starts slapd for it.
 * <p>
 * Arguments: {@code HOST PORT CA-PEM BASE-DN SERVICE-DN SERVICE-PASSWORD USER PASSWORD TOTAL CONCURRENCY}.
 */
public final class LdapLoginLoad
{
    private LdapLoginLoad()
    {
    }

    public static void main(final String[] args) throws Exception
    {
        final InetAddress host = InetAddress.getByName(args[0]);
        final Path ca = Path.of(args[2]);
        final int total = Integer.parseInt(args[8]);
        final int concurrency = Integer.parseInt(args[9]);
        final LdapHostSettings ldap = new LdapHostSettings(Integer.parseInt(args[1]), args[3], false, "uid", args[4],
            args[5], LdapHostSettings.Transport.LDAPS, LdapHostSettings.ServerType.OPENLDAP, null, "disk0:/ca.pem");
        final AaaServerGroup group = new AaaServerGroup("LOAD", AaaServerGroup.LDAP, 3, false, 10,
            List.of(new AaaServerHost("inside", host, "", 0, 0, 10, 10, false, ldap)));
        try (LdapAuthenticator backend = new LdapAuthenticator(group, () -> null, path -> ca, System::nanoTime))
        {
            LoginLoad.measure("LDAPS", backend::authenticate, args[6], args[7], total, concurrency,
                Duration.ofSeconds(60));
        }
    }
}

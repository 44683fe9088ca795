package org.headend.control.config;

import java.net.Inet4Address;
import java.util.List;

/**
 * How operators reach the appliance: the {@code enable password}, SSH access and its authentication.
 *
 * @param enablePassword      {@code enable password}, hashed; null when none is set (factory default)
 * @param sshAccess           {@code ssh A.B.C.D M.M.M.M NAMEIF} lines in configuration order
 * @param sshTimeoutMinutes   {@code ssh timeout}: idle minutes before an SSH session is closed (default 5)
 * @param sshAuthLocal        an {@code aaa authentication ssh console} line is configured: SSH logins are allowed
 * @param maxFailedAttempts   {@code aaa local authentication attempts max-fail N}: consecutive failures that lock
 *                            a local user out; 0 when not set
 * @param sshScopy            {@code ssh scopy enable}: privilege-15 SSH users may copy files to disk0: with scp
 * @param sshAuthServerGroup  the server group of {@code aaa authentication ssh console NAME}; {@code LOCAL} unless set
 * @param sshAuthFallbackLocal {@code aaa authentication ssh console NAME LOCAL}: local users answer while every
 *                            server of the group is failed
 */
public record ManagementConfig(PasswordHash enablePassword, List<SshAccess> sshAccess, int sshTimeoutMinutes,
    boolean sshAuthLocal, int maxFailedAttempts, boolean sshScopy, String sshAuthServerGroup,
    boolean sshAuthFallbackLocal)
{
    /** Before AAA server groups: SSH logins are checked against the local users. */
    public ManagementConfig(final PasswordHash enablePassword, final List<SshAccess> sshAccess,
        final int sshTimeoutMinutes, final boolean sshAuthLocal, final int maxFailedAttempts, final boolean sshScopy)
    {
        this(enablePassword, sshAccess, sshTimeoutMinutes, sshAuthLocal, maxFailedAttempts, sshScopy,
            AaaServerGroup.LOCAL, false);
    }

    public static final int DEFAULT_SSH_TIMEOUT_MINUTES = 5;

    /** Before {@code ssh scopy enable}. */
    public ManagementConfig(final PasswordHash enablePassword, final List<SshAccess> sshAccess,
        final int sshTimeoutMinutes, final boolean sshAuthLocal, final int maxFailedAttempts)
    {
        this(enablePassword, sshAccess, sshTimeoutMinutes, sshAuthLocal, maxFailedAttempts, false);
    }

    /** Whether an SSH client at {@code address} arriving on interface {@code nameif} is allowed in. */
    public boolean sshPermits(final Inet4Address address, final String nameif)
    {
        return sshAccess.stream().anyMatch(a -> a.nameif().equals(nameif) && a.permits(address));
    }
}

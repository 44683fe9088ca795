package org.headend.control.config;

/**
 * A tunnel-group's {@code secondary-authentication-server-group} (double authentication, as on the ASA): a second
 * password checked by a second server group, both needed for a login. The primary server's answer rules the
 * session (group-policy, address); the secondary's only says yes or no.
 *
 * @param serverGroup        the second server group, or {@code LOCAL}
 * @param fallbackLocal      {@code NAME LOCAL}: the local users answer while every server of the group is down
 * @param usePrimaryUsername {@code use-primary-username}: the login form asks for one user name, checked by both
 */
public record SecondaryAuthentication(String serverGroup, boolean fallbackLocal, boolean usePrimaryUsername)
{
}

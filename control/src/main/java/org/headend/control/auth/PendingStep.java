package org.headend.control.auth;

import java.util.Set;

/**
 * A login waiting for the answer to a server's question (RADIUS Access-Challenge, a local TOTP code): everything
 * needed to go on from where it stopped, whichever front door (AnyConnect, the portal) shows the question. The
 * question may come from the primary server — the second password of double authentication then waits in
 * {@code heldSecond} — or from the secondary one, after the primary accepted: {@code primaryVerdict} is then the
 * primary's decision the session will follow once the secondary says yes.
 *
 * @param username            the user the first step named (never taken from the answer)
 * @param tunnelGroup         the tunnel-group of the login
 * @param protocols           the {@code vpn-tunnel-protocol} values the login may use
 * @param accountingSessionId the Acct-Session-Id the login's requests carry, or null
 * @param challenge           the server's question and the State to echo
 * @param heldSecond          the second credentials while the primary server's question is pending, or null
 * @param primaryVerdict      the primary's accepted verdict while the secondary server's question is pending, or
 *                            null when the question is the primary's
 * @param secondUser          the user name the secondary server checks, with {@code primaryVerdict}
 * @param oldPassword         not null when the step is a password change ({@code password-management}): the
 *                            password the directory said must be changed, needed to change it
 */
public record PendingStep(String username, String tunnelGroup, Set<String> protocols, String accountingSessionId,
    AuthOutcome.Challenged challenge, AggregateAuth.SecondCredentials heldSecond,
    AggregateAuth.Verdict primaryVerdict, String secondUser, String oldPassword)
{
    /** A server's question (not a password change). */
    public PendingStep(final String username, final String tunnelGroup, final Set<String> protocols,
        final String accountingSessionId, final AuthOutcome.Challenged challenge,
        final AggregateAuth.SecondCredentials heldSecond, final AggregateAuth.Verdict primaryVerdict,
        final String secondUser)
    {
        this(username, tunnelGroup, protocols, accountingSessionId, challenge, heldSecond, primaryVerdict, secondUser,
            null);
    }

    /** Whether the user is asked for a new password rather than an answer. */
    public boolean passwordChange()
    {
        return oldPassword != null;
    }

    /** This step of a primary server, completed with what the login step that earned it carried. */
    PendingStep ofLogin(final String password, final AggregateAuth.SecondCredentials second,
        final String accountingId)
    {
        return new PendingStep(username, tunnelGroup, protocols, accountingId, challenge, second, null, null,
            passwordChange() ? password : null);
    }

    /** The text to show the user. */
    public String prompt()
    {
        return challenge.prompt();
    }

    /** Whether the question is the secondary server's (double authentication). */
    public boolean fromSecondary()
    {
        return primaryVerdict != null;
    }

    @Override
    public String toString()
    {
        return "PendingStep[" + username + " in " + tunnelGroup + (fromSecondary() ? ", secondary" : "")
            + (passwordChange() ? ", password change" : "") + "]";
    }
}

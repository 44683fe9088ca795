package org.headend.control.auth;

import java.util.concurrent.CompletionStage;

/**
 * One authentication back end (the local user table, a RADIUS server group). It answers later: the stage completes
 * on whatever thread the back end uses, never by blocking the caller; {@link Logins} brings the answer back to the
 * control thread.
 */
public interface Authenticator
{
    CompletionStage<AuthOutcome> authenticate(AuthRequest request);
}

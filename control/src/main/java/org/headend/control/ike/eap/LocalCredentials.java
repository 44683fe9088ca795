package org.headend.control.ike.eap;

/**
 * What EAP-MSCHAPv2 against the local users needs of the appliance: the stored NT hash, and the one failed-login
 * limiter. The method checks the answer itself (no login path sees the password), so it must also ask about and feed
 * the lockout that every other login goes through.
 */
public interface LocalCredentials
{
    /** The NT password hash (MD4 of UTF-16LE) of a local user, or null when the user has none. */
    byte[] ntPasswordHash(String username);

    /** Whether failed logins have locked this user or the peer's address out: then a right answer is refused too. */
    boolean lockedOut(String username);

    /** A wrong answer (or one from a locked-out user): counted as a failed login. */
    void failed(String username);

    /** A right answer: the user's failure count starts again. */
    void succeeded(String username);
}

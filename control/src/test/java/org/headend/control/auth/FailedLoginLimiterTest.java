package org.headend.control.auth;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

/** The one login limiter: what locks, for how long, and that no flood lifts a lockout early. */
class FailedLoginLimiterTest
{
    private final FailedLoginLimiter limiter = new FailedLoginLimiter();
    private long now = 1_000_000_000L;

    @Test
    void shouldLockAUserAfterFiveFailuresWhateverTheCaseOrAddress()
    {
        for (int i = 0; i < FailedLoginLimiter.MAX_USER_FAILURES - 1; i++)
        {
            limiter.onFailure("Alice", "192.0.2." + i, now);
        }
        assertFalse(limiter.isLocked("alice", "198.51.100.1", now));
        limiter.onFailure(" alice", "192.0.2.99", now);
        assertTrue(limiter.isLocked("ALICE", "198.51.100.1", now), "a new address does not unlock her");
        now += FailedLoginLimiter.LOCKOUT_NANOS + 1;
        assertFalse(limiter.isLocked("alice", "198.51.100.1", now));
    }

    @Test
    void shouldLockAnAddressThatTriesManyNames()
    {
        for (int i = 0; i < FailedLoginLimiter.MAX_ADDRESS_FAILURES; i++)
        {
            limiter.onFailure("user" + i, "203.0.113.5", now);
        }
        assertTrue(limiter.isLocked("someone-else", "203.0.113.5", now));
        assertFalse(limiter.isLocked("someone-else", "203.0.113.6", now));
    }

    @Test
    void shouldCountAnIpv6Slash64AsOneAddress()
    {
        for (int i = 0; i < FailedLoginLimiter.MAX_ADDRESS_FAILURES; i++)
        {
            limiter.onFailure("user" + i, "2001:db8:1:2::" + Integer.toHexString(i + 1), now);
        }
        assertTrue(limiter.isLocked("x", "2001:db8:1:2:ffff::1", now), "one host owns the whole /64");
        assertFalse(limiter.isLocked("x", "2001:db8:1:3::1", now));
    }

    /** Issue 10: 20,500 failures with other names from 90 addresses evicted a locked user's entry. */
    @Test
    void shouldKeepALockoutThroughAFloodOfOtherNames()
    {
        for (int i = 0; i < FailedLoginLimiter.MAX_USER_FAILURES; i++)
        {
            limiter.onFailure("victim", "192.0.2.1", now);
        }
        for (int i = 0; i < 3 * FailedLoginLimiter.MAX_UNLOCKED_KEYS; i++)
        {
            now += 1_000;
            limiter.onFailure("flood" + i, "10." + (i % 90) + ".0.1", now);
        }
        assertTrue(limiter.isLocked("victim", "192.0.2.200", now));
        assertTrue(limiter.size() <= FailedLoginLimiter.MAX_UNLOCKED_KEYS + 200,
            "memory stays bounded: " + limiter.size());
    }

    @Test
    void shouldForgetTheUserCountOnSuccessButNotTheAddressCount()
    {
        for (int i = 0; i < FailedLoginLimiter.MAX_USER_FAILURES - 1; i++)
        {
            limiter.onFailure("bob", "192.0.2.1", now);
        }
        limiter.onSuccess("bob");
        limiter.onFailure("bob", "192.0.2.1", now);
        assertFalse(limiter.isLocked("bob", "192.0.2.2", now));
        assertEquals(0, limiter.lockedFor("bob", "192.0.2.2", now));
    }

    @Test
    void shouldSayHowLongALockoutLasts()
    {
        for (int i = 0; i < FailedLoginLimiter.MAX_USER_FAILURES; i++)
        {
            limiter.onFailure("carol", "192.0.2.1", now);
        }
        assertEquals(FailedLoginLimiter.LOCKOUT_NANOS, limiter.lockedFor("carol", "192.0.2.9", now));
        assertEquals(FailedLoginLimiter.LOCKOUT_NANOS - 5, limiter.lockedFor("carol", "192.0.2.9", now + 5));
    }
}

package org.headend.control.auth;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import org.headend.control.config.AaaServerGroup;
import org.junit.jupiter.api.Test;

/** When a server of a group leaves service and when it comes back, for both reactivation modes. */
class ServerHealthTest
{
    private static final long SECOND = 1_000_000_000L;

    @Test
    void shouldTakeAServerOutAfterMaxFailedAttemptsInARowOnly()
    {
        final ServerHealth server = new ServerHealth();
        assertFalse(server.failure(3, 0));
        assertFalse(server.failure(3, 0));
        server.answered();
        assertFalse(server.failure(3, 0));
        assertFalse(server.failure(3, 0));
        assertFalse(server.failed(), "an answer in between starts the count again");
        assertTrue(server.failure(3, 0), "the third in a row takes it out");
        assertTrue(server.failed());
        assertFalse(server.failure(3, 0), "already out: not taken out twice");
    }

    @Test
    void shouldBringEachServerBackAfterThirtySecondsWhenTimed()
    {
        final AaaServerGroup timed = new AaaServerGroup("G", "radius", 1, true, 10, List.of());
        final ServerHealth a = new ServerHealth();
        final ServerHealth b = new ServerHealth();
        a.failure(1, 0);
        ServerHealth.reactivate(List.of(a, b), timed, (AaaServerGroup.TIMED_SECONDS - 1) * SECOND);
        assertTrue(a.failed());
        ServerHealth.reactivate(List.of(a, b), timed, AaaServerGroup.TIMED_SECONDS * SECOND);
        assertFalse(a.failed());
    }

    @Test
    void shouldBringTheGroupBackOnlyWhenEveryServerFailedAndTheDeadTimePassedWhenDepletion()
    {
        final AaaServerGroup depletion = new AaaServerGroup("G", "ldap", 1, false, 2, List.of());
        final ServerHealth a = new ServerHealth();
        final ServerHealth b = new ServerHealth();
        a.failure(1, 0);
        ServerHealth.reactivate(List.of(a, b), depletion, 600 * SECOND);
        assertTrue(a.failed(), "another server still answers: a failed one stays out");
        b.failure(1, 60 * SECOND);
        ServerHealth.reactivate(List.of(a, b), depletion, 179 * SECOND);
        assertTrue(a.failed() && b.failed(), "dead time counts from the last failure");
        ServerHealth.reactivate(List.of(a, b), depletion, 180 * SECOND);
        assertFalse(a.failed() || b.failed());
    }
}

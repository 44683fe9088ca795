package org.headend.control.cluster;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

import java.util.List;
import org.junit.jupiter.api.Test;

/** The director's choice of member for a new login. */
class DirectorChoiceTest
{
    private static ClusterStore.ClusterMember member(final String name, final int sessions, final int max,
        final boolean participate)
    {
        return new ClusterStore.ClusterMember(name, "https://" + name, sessions, max, 5, participate);
    }

    @Test
    void shouldSendANewLoginToTheLeastLoadedMember()
    {
        assertEquals("b", DirectorChoice.pick(List.of(member("a", 50, 100, true), member("b", 10, 100, true),
            member("c", 30, 100, true)), "a").name());
    }

    @Test
    void shouldKeepTheLoginWhenTheDirectorIsAmongTheLeastLoaded()
    {
        assertNull(DirectorChoice.pick(List.of(member("a", 10, 100, true), member("b", 10, 100, true)), "a"));
        assertNull(DirectorChoice.pick(List.of(member("a", 0, 100, true), member("b", 10, 100, true)), "a"));
    }

    @Test
    void shouldCompareLoadAsAShareOfEachMembersLimitThenBySessions()
    {
        // b has more sessions but a bigger box: 20 % against a's 50 %
        assertEquals("b", DirectorChoice.pick(List.of(member("a", 50, 100, true), member("b", 200, 1000, true)),
            "a").name());
        // without limits, fewer sessions wins
        assertEquals("b", DirectorChoice.pick(List.of(member("a", 7, 0, true), member("b", 3, 0, true)), "a")
            .name());
    }

    @Test
    void shouldNeverSendALoginToAMemberThatDoesNotParticipate()
    {
        assertNull(DirectorChoice.pick(List.of(member("a", 50, 100, true), member("b", 0, 100, false)), "a"));
    }
}

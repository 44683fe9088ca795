package org.headend.control.cluster;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;

import java.net.Inet4Address;
import java.time.Instant;
import org.headend.control.session.AaaAssignment;
import org.headend.control.session.AddressPools;
import org.headend.control.session.SessionRecord;
import org.junit.jupiter.api.Test;

class SessionJsonTest
{
    private static final String KEY = "AB".repeat(32);
    private static final Instant LOGIN = Instant.parse("2026-12-07T03:00:00Z");

    private static SessionRecord record(final AaaAssignment aaa)
    {
        return new SessionRecord(4, KEY, "alice", "SALES", "GP", LOGIN, LOGIN.plusSeconds(30), null,
            new AddressPools.Lease("POOL", 0xC0A8640A, 0xFFFFFF00), null, "10.77.0.2", "openconnect", null, aaa);
    }

    @Test
    void shouldCarryWhatTheAaaServerAssignedToTheMemberThatAdoptsTheSession()
    {
        final SessionRecord assigned = record(new AaaAssignment("RADIUS-GP", Inet4Address.ofLiteral("10.44.0.7"),
            "RADIUS-ACL"));
        final SessionJson.Owned back = SessionJson.read(KEY, SessionJson.write(assigned, "member-a"));
        assertEquals(assigned, back.record());
        assertEquals("member-a", back.owner());
    }

    @Test
    void shouldWriteALocalLoginAsBefore()
    {
        final SessionRecord local = record(AaaAssignment.NONE);
        final String json = SessionJson.write(local, "member-b");
        assertFalse(json.contains("aaa"), json);
        assertEquals(local, SessionJson.read(KEY, json).record());
    }
}

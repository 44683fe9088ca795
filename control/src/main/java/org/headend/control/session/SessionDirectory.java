package org.headend.control.session;

import java.util.List;

/**
 * What the operator's CLI sees of the session table: a snapshot for {@code show vpn-sessiondb} and the
 * {@code vpn-sessiondb logoff} actions. Implemented by the session manager; safe to call from any thread.
 */
public interface SessionDirectory
{
    /** A snapshot of every session (parent sessions without a live tunnel included), ordered by index. */
    List<SessionView> sessions();

    /**
     * Ends the sessions of {@code username}: their tunnels get a CSTP DISCONNECT and their cookies die.
     *
     * @return how many sessions were logged off
     */
    int logoffByName(String username);

    /** Ends the session with ASA index {@code index}; returns 0 or 1. */
    int logoffByIndex(int index);

    /** Ends every session; returns how many. */
    int logoffAll();

    /**
     * Totals for {@code show vpn-sessiondb summary}: sessions opened since start and the most open at once. The
     * default derives them from the snapshot (indexes are never reused); the session manager counts them exactly.
     */
    default SessionTotals totals()
    {
        final List<SessionView> now = sessions();
        final int highestIndex = now.stream().mapToInt(SessionView::index).max().orElse(0);
        return new SessionTotals(highestIndex, now.size());
    }

    /**
     * @param cumulative     sessions opened since the appliance started
     * @param peakConcurrent the most sessions open at the same time
     */
    record SessionTotals(long cumulative, int peakConcurrent)
    {
    }
}

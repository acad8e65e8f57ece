package dev.clusterchat.chatd;

import com.google.gson.JsonObject;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;

/**
 * What every reliable chatter sent, was told and received during a chaos run, and the verdict on
 * it: every message acknowledged to its sender reached each of its recipients exactly once (by
 * {@code msgno}), in gapless seq order, as it was sent, and nothing else arrived. A message's text
 * begins with its {@code cmid}, so a message stored twice shows as one cmid under two msgnos.
 *
 * <p>Thread-safe.
 */
final class ChaosLedger {
    /** How many problems of each kind the verdict spells out. */
    private static final int SHOWN = 5;

    /** One message as its sender meant it: to a user ({@code group} false) or to a group. */
    record Sent(String cmid, long sender, boolean group, long target, String text) {
        String describe() {
            return "cmid " + cmid + " from user " + sender + (group ? " to group " : " to user ") + target;
        }
    }

    /** The first successful reply to a message. */
    private record Reply(long msgno, long seq, long stime) {
    }

    /** One message a recipient took (its seq was the next one of its timeline). */
    private record Delivery(long recipient, long msgno, long seq, long from, long toid, long groupid, String text) {
    }

    private final Map<Long, Set<Long>> groupMembers;
    private final Map<String, Sent> sent = new LinkedHashMap<>();
    private final Map<String, Reply> replies = new HashMap<>();
    private final Map<String, Set<Long>> msgnosOfCmid = new HashMap<>();
    private final List<Delivery> deliveries = new ArrayList<>();
    /** Per user: its timelines' positions the messages acknowledged so far need (0: the inbox). */
    private final Map<Long, Long> lastInboxSeq = new HashMap<>();
    private final Map<Long, Long> lastGroupSeq = new HashMap<>();
    private final List<String> orderViolations = new ArrayList<>();
    private final List<String> problems = new ArrayList<>();
    private final List<String> traces = new ArrayList<>();
    private final List<String> overtaking = new ArrayList<>();
    private long attempts;
    private long redelivered;
    private long drops;
    private long kills;
    private long serverErrors;
    private long timeouts;
    private long ownInSync;
    private long dupReplies;
    private long maxLoginWaitMillis;

    ChaosLedger(Map<Long, Set<Long>> groupMembers) {
        this.groupMembers = Map.copyOf(groupMembers);
    }

    /** A message is sent (again: same cmid). */
    synchronized void attempt(Sent s) {
        Sent before = sent.putIfAbsent(s.cmid(), s);
        if (before != null && !before.equals(s)) {
            throw new IllegalStateException("two messages with cmid " + s.cmid());
        }
        attempts++;
    }

    /** A successful reply to {@code cmid}: its message's msgno, seq (useq or gseq) and stime. */
    synchronized void replied(String cmid, long msgno, long seq, long stime, boolean dup) {
        Sent s = sent.get(cmid);
        Reply r = new Reply(msgno, seq, stime);
        Reply first = replies.putIfAbsent(cmid, r);
        if (dup) {
            dupReplies++;
        }
        msgnosOfCmid.computeIfAbsent(cmid, k -> new TreeSet<>()).add(msgno);
        if (first == null) {
            if (s.group()) {
                lastGroupSeq.merge(s.target(), seq, Math::max);
            } else {
                lastInboxSeq.merge(s.target(), seq, Math::max);
            }
        } else if (first.msgno() == msgno && !first.equals(r)) { // another msgno is a duplicate, found by the verdict
            problems.add(s.describe() + " answered " + first + ", then " + r + (dup ? " with dup:true" : ""));
        }
    }

    /** The next message of a recipient's timeline. */
    synchronized void delivered(long recipient, long seq, JsonObject m) {
        long msgno = m.get("msgno").getAsLong();
        String text = m.get("msg").getAsString();
        deliveries.add(new Delivery(recipient, msgno, seq, m.get("id").getAsLong(),
                m.has("toid") ? m.get("toid").getAsLong() : 0, m.has("groupid") ? m.get("groupid").getAsLong() : 0, text));
        msgnosOfCmid.computeIfAbsent(cmidOf(text), k -> new TreeSet<>()).add(msgno);
    }

    private static String cmidOf(String text) {
        int space = text.indexOf(' ');
        return space < 0 ? text : text.substring(0, space);
    }

    synchronized void orderViolation(String what) {
        orderViolations.add(what);
    }

    /**
     * A reply came before the reply to an earlier request of its connection (PROTOCOL.md, Framing:
     * replies come in request order, but for those answered at once on the I/O thread).
     */
    synchronized void replyOvertook(String what) {
        overtaking.add(what);
    }

    /** What a chatter did and saw before its first order violation. */
    synchronized void trace(String what) {
        traces.add(what);
    }

    /** Something the protocol document rules out that is neither loss, duplication nor disorder. */
    synchronized void problem(String what) {
        problems.add(what);
    }

    synchronized void redelivered() {
        redelivered++;
    }

    synchronized void dropped() {
        drops++;
    }

    synchronized void killed() {
        kills++;
    }

    synchronized long kills() {
        return kills;
    }

    /** A send answered errno 13 or 14 (nothing stored; sent again), or a sync errno 13. */
    synchronized void serverError() {
        serverErrors++;
    }

    /** No reply in time: the connection was dropped and the request sent again after the next login. */
    synchronized void timedOut() {
        timeouts++;
    }

    /** A sync reply held one of the user's own group messages (live ones are a problem). */
    synchronized void ownInSync() {
        ownInSync++;
    }

    synchronized void loggedIn(long waitedMillis) {
        maxLoginWaitMillis = Math.max(maxLoginWaitMillis, waitedMillis);
    }

    /** The seq a user's timeline (0: its inbox, else a group) must reach to have every message acknowledged so far. */
    synchronized long needed(long user, long timeline) {
        return timeline == 0 ? lastInboxSeq.getOrDefault(user, 0L) : lastGroupSeq.getOrDefault(timeline, 0L);
    }

    /** Messages sent whose sender has no reply yet. */
    synchronized int unacknowledged() {
        return sent.size() - replies.size();
    }

    /** The findings so far. */
    synchronized Verdict verdict() {
        return new Check().run();
    }

    /** The counts of a run, and the first few problems of each kind. */
    record Verdict(long sent, long acked, long attempts, long delivered, long duplicates, long lost, long redelivered,
                   long orderViolations, long mismatched, long drops, long kills, long serverErrors, long timeouts,
                   long dupReplies, long ownInSync, long repliesOutOfOrder, long maxLoginWaitMillis, List<String> details) {
        boolean clean() {
            return duplicates == 0 && lost == 0 && orderViolations == 0 && mismatched == 0 && repliesOutOfOrder == 0
                    && details.isEmpty();
        }
    }

    /** One pass over what was recorded; runs under the ledger's lock. */
    private final class Check {
        private final Map<Long, String> cmidOfMsgno = new HashMap<>();
        private final Map<Long, Map<Long, Integer>> received = new HashMap<>(); // recipient → msgno → times
        private final List<String> lostShown = new ArrayList<>();
        private final List<String> duplicatesShown = new ArrayList<>();
        private final List<String> mismatchShown = new ArrayList<>();
        private long duplicates;
        private long lost;
        private long mismatched;

        Verdict run() {
            replies.forEach((cmid, r) -> cmidOfMsgno.put(r.msgno(), cmid));
            msgnosOfCmid.forEach((cmid, msgnos) -> {
                if (msgnos.size() > 1) {
                    duplicates += msgnos.size() - 1;
                    show(duplicatesShown, describe(cmid) + " stored as msgnos " + msgnos);
                }
            });
            deliveries.forEach(this::checkDelivery);
            received.forEach((recipient, times) -> times.forEach((msgno, n) -> {
                if (n > 1) {
                    duplicates += n - 1;
                    show(duplicatesShown, "user " + recipient + " took msgno " + msgno + " (" + describe(cmidOfMsgno.get(msgno)) + ") " + n + " times");
                }
            }));
            replies.forEach(this::checkRecipients);
            List<String> details = new ArrayList<>();
            details.addAll(lostShown);
            details.addAll(duplicatesShown);
            orderViolations.stream().limit(SHOWN).map(v -> "order: " + v).forEach(details::add);
            traces.stream().limit(2).map(t -> "trace of " + t).forEach(details::add);
            details.addAll(mismatchShown);
            overtaking.stream().limit(3).map(o -> "reply order: " + o).forEach(details::add);
            problems.stream().limit(SHOWN * 2).map(p -> "protocol: " + p).forEach(details::add);
            if (problems.size() > SHOWN * 2) {
                details.add("protocol: ... " + (problems.size() - SHOWN * 2) + " more");
            }
            return new Verdict(sent.size(), replies.size(), attempts, deliveries.size(), duplicates, lost, redelivered,
                    orderViolations.size(), mismatched, drops, kills, serverErrors, timeouts, dupReplies, ownInSync, overtaking.size(), maxLoginWaitMillis, details);
        }

        private void checkDelivery(Delivery d) {
            received.computeIfAbsent(d.recipient(), k -> new HashMap<>()).merge(d.msgno(), 1, Integer::sum);
            String cmid = cmidOfMsgno.getOrDefault(d.msgno(), cmidOf(d.text()));
            Sent s = sent.get(cmid);
            Reply r = replies.get(cmid);
            String wrong = null;
            if (s == null) {
                wrong = "was never sent";
            } else if (d.from() != s.sender() || !d.text().equals(s.text())
                    || (s.group() ? d.groupid() != s.target() : d.toid() != s.target())) {
                wrong = "differs from what was sent: from " + d.from() + ", toid " + d.toid() + ", groupid " + d.groupid();
            } else if (r != null && r.msgno() == d.msgno() && r.seq() != d.seq()) {
                wrong = "came as seq " + d.seq() + " but its reply said " + r.seq();
            }
            if (wrong != null) {
                mismatched++;
                show(mismatchShown, "user " + d.recipient() + " took msgno " + d.msgno() + " (" + describe(cmid) + ") that " + wrong);
            }
        }

        private void checkRecipients(String cmid, Reply r) {
            Sent s = sent.get(cmid);
            Set<Long> recipients = s.group() ? groupMembers.get(s.target()) : Set.of(s.target());
            for (long recipient : recipients) {
                if (recipient != s.sender() && received.getOrDefault(recipient, Map.of()).getOrDefault(r.msgno(), 0) == 0) {
                    lost++;
                    show(lostShown, "lost: msgno " + r.msgno() + " (" + s.describe() + ", seq " + r.seq() + ") never reached user " + recipient);
                }
            }
        }

        private String describe(String cmid) {
            Sent s = cmid == null ? null : sent.get(cmid);
            return s == null ? "cmid " + cmid + ", never sent" : s.describe();
        }

        private void show(List<String> shown, String what) {
            if (shown.size() < SHOWN) {
                shown.add(what);
            }
        }
    }
}

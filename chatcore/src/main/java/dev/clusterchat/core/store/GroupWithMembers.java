package dev.clusterchat.core.store;

import java.util.List;

/** A group with every member, ordered by user id. */
public record GroupWithMembers(Group group, List<Member> members) {
    public GroupWithMembers {
        members = List.copyOf(members);
    }
}

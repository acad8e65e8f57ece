package dev.clusterchat.bench.routing;

/** The three nodes of the bench's cluster: A sends, B and C receive. */
enum Node {
    A, B, C
}

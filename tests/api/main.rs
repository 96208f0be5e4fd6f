//! Integration tests against real PostgreSQL (a throwaway server the harness starts) and the
//! embedded SQLite store. One binary, so the PostgreSQL server starts once; each test gets its own
//! database and its own server on a free port. Tests are named as the sentence they prove.

mod helpers;

mod admin;
mod bad_input;
mod bench;
mod cluster;
mod compat;
mod distinct_seats;
mod durability;
mod events;
mod failover;
mod hot_seat;
mod loadtest;
mod observability;
mod redis_strategy;
mod streams;

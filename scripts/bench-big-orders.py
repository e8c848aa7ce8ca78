#!/usr/bin/env python3
"""Adds N cancelled orders (two lines and two history rows each) straight into
a stopped martd's store, for scripts/bench-big.sh: a million orders through
the daemon would take ten minutes and measure nothing that mart-bench's place
workload does not. Cancelled orders hold and ship no stock, so every stock
invariant that `admin check` verifies still holds. Not a test.
Usage: bench-big-orders.py DB ORDERS"""
import os
import random
import sqlite3
import sys
import time


def main() -> int:
    if len(sys.argv) != 3:
        print(__doc__.strip().splitlines()[-1], file=sys.stderr)
        return 2
    path, count = sys.argv[1], int(sys.argv[2])
    db = sqlite3.connect(path)
    db.execute("PRAGMA journal_mode = WAL")
    users = [row[0] for row in db.execute("SELECT id FROM users WHERE role = 'user'")]
    products = db.execute("SELECT id, name, price_cents FROM products").fetchall()
    if not users or not products:
        print("bench-big-orders: seed products and customers first (mart-bench --seed-only)",
              file=sys.stderr)
        return 1
    address = ('{"city":"Loadville","country":"US","line1":"1 Bench Street","line2":null,'
               '"postal_code":"12345","state":null}')
    rng = random.Random(1)
    now = int(time.time() * 1_000_000)
    prefix = os.urandom(4).hex()
    batch = 20000
    for start in range(0, count, batch):
        orders, items, history = [], [], []
        for n in range(start, min(start + batch, count)):
            order_id = prefix + format(n, "016x")
            at = now - (count - n) * 1000
            lines = rng.sample(products, 2)
            total = sum(price for _, _, price in lines)
            orders.append((order_id, rng.choice(users), total, address, at, at))
            for line, (product_id, name, price) in enumerate(lines, 1):
                items.append((order_id, line, product_id, name, price))
            history.append((order_id, None, "pending", "user", "placed", at))
            history.append((order_id, "pending", "cancelled", "user", "bench fixture", at))
        with db:
            db.executemany(
                "INSERT INTO orders (id, user_id, status, stock, total_cents, shipping_address,"
                " created_at, updated_at) VALUES (?, ?, 'cancelled', 'released', ?, ?, ?, ?)",
                orders)
            db.executemany(
                "INSERT INTO order_items (order_id, line, product_id, name, quantity, price_cents)"
                " VALUES (?, ?, ?, ?, 1, ?)", items)
            db.executemany(
                "INSERT INTO order_history (order_id, from_status, to_status, actor, reason, at)"
                " VALUES (?, ?, ?, ?, ?, ?)", history)
    db.execute("PRAGMA wal_checkpoint(TRUNCATE)")
    db.close()
    return 0


if __name__ == "__main__":
    sys.exit(main())

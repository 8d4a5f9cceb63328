"""Open data in Open Referral's Human Services Data Specification (HSDS) 3.0."""

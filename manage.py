#!/usr/bin/env python
from tribune.cli import main

if __name__ == "__main__":
    main()

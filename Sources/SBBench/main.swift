print("sb-bench")

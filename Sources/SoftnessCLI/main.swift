print("softness")

package main

import (
	"fmt"

	"example.com/shop/cart"
	"example.com/shop/pricing"
)

func main() {
	fmt.Println(cart.Sum([]int{1, 2}))
}

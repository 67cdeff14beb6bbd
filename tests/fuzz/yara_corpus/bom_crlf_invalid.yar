rule Bom_And_Bytes : tag
{
 meta:
  mitre_attack = "T1059.003 ÿþ"
  x = "\t\\\"\xzz"
 strings:
  $r = /a\/b[/]c/ 
 condition:
  $r
}
rule Regex_Unterminated { strings: $r = /abc
 condition: $r }

import '../ui/veil-export';
